"""17TRACK `track_info` records → ParcelUpdate (pure: dicts in, values out).

The same record comes from `gettrackinfo` (polling) and from the TRACKING_UPDATED push.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from core.carriers.base import ParcelUpdate, Scan
from core.carriers.httpcall import scan_digest
from core.carriers.seventeentrack.statuses import FINAL, status_of


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None  # an unzoned time cannot be placed


def _day(value: Any) -> date | None:
    moment = _when(value)
    if moment is not None:
        return moment.date()
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def scans_of(track_info: Mapping[str, Any]) -> list[Scan]:
    """Every event of every provider the parcel passed through, oldest first."""
    tracking = track_info.get("tracking") or {}
    scans = []
    for provider in tracking.get("providers") or []:
        if not isinstance(provider, Mapping):
            continue
        key = (provider.get("provider") or {}).get("key")
        for event in provider.get("events") or []:
            if not isinstance(event, Mapping):
                continue
            occurred = _when(event.get("time_utc")) or _when(event.get("time_iso"))
            if occurred is None:
                continue
            sub = str(event.get("sub_status") or "")
            status, reason = status_of(event.get("stage") or sub.split("_", 1)[0], sub)
            words = str(event.get("description") or "")
            scans.append(
                Scan(
                    scan_id=scan_digest(key, event.get("time_utc"), words, event.get("location")),
                    occurred_at=occurred,
                    code=sub or str(event.get("stage") or ""),
                    description=words,
                    status=status,
                    location=str(event.get("location") or "") or None,
                    reason=reason,
                )
            )
    return sorted(scans, key=lambda s: s.occurred_at)


def update_of(number: str, track_info: Mapping[str, Any] | None) -> ParcelUpdate:
    """What 17TRACK knows of one number now."""
    if not isinstance(track_info, Mapping):
        return ParcelUpdate(number=number, found=False)
    latest = track_info.get("latest_status") or {}
    status, _reason = status_of(latest.get("status"), latest.get("sub_status"))
    scans = scans_of(track_info)
    estimate = (track_info.get("time_metrics") or {}).get("estimated_delivery_date") or {}
    return ParcelUpdate(
        number=number,
        found=latest.get("status") != "NotFound" or bool(scans),
        status=status,
        scans=tuple(scans),
        estimated_delivery=_day(estimate.get("to")) or _day(estimate.get("from")),
        final=status in FINAL,
        raw=dict(track_info),
    )
