"""karrio's TrackingDetails and Messages → ParcelUpdate (pure: karrio's values in).

Takes karrio's unified models as plain attribute holders, so it needs no karrio import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from core.carriers.base import ParcelUpdate, Scan
from core.carriers.httpcall import scan_digest
from core.carriers.karrio_bridge.statuses import FINAL, status_of

AUTH = re.compile(r"unauthori|authenticat|credential|forbidden|access denied|invalid (api )?key")
AUTH_CODES = ("LOGIN_", "NOT.AUTHORIZED")  # DPD's LoginService faults; FedEx's OAuth refusal


def _when(event: Any) -> datetime | None:
    stamp = getattr(event, "timestamp", None)
    text = (
        str(stamp)
        if stamp
        else " ".join(
            str(p) for p in (getattr(event, "date", None), getattr(event, "time", None)) if p
        )
    )
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # karrio gives most carriers' local times without a zone; UTC keeps their order.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def update_of(
    number: str, details: Any, raw: Mapping[str, Any] | None = None, stamped: bool = False
) -> ParcelUpdate:
    """One karrio TrackingDetails as what the carrier knows of the parcel now.

    Some extensions give events no status of their own (GLS), or stamp the parcel's current
    status on every event (`stamped`: Australia Post); there the newest scan carries the
    parcel's status and the older ones are kept as history only.
    """
    scans = []
    for event in getattr(details, "events", None) or []:
        occurred = _when(event)
        if occurred is None:
            continue
        status, reason = status_of(getattr(event, "status", None), getattr(event, "reason", None))
        words = str(getattr(event, "description", None) or "")
        scans.append(
            Scan(
                scan_id=scan_digest(
                    number, occurred.isoformat(), getattr(event, "code", None), words
                ),
                occurred_at=occurred,
                code=str(getattr(event, "code", None) or ""),
                description=words,
                status=status,
                location=getattr(event, "location", None) or None,
                reason=reason,
            )
        )
    scans.sort(key=lambda s: s.occurred_at)
    status, reason = status_of(getattr(details, "status", None))
    if getattr(details, "delivered", None):
        status = status_of("delivered")[0]
    if stamped:
        scans = [replace(s, status=None, reason=None) for s in scans]
    if scans and scans[-1].status is None and status is not None:
        scans[-1] = replace(scans[-1], status=status, reason=scans[-1].reason or reason)
    return ParcelUpdate(
        number=number,
        status=status,
        scans=tuple(scans),
        estimated_delivery=_day(getattr(details, "estimated_delivery", None)),
        final=status in FINAL,
        raw=dict(raw or {}),
    )


def failure_of(messages: Sequence[Any]) -> str | None:
    """ "auth" or "transient" when karrio's messages say the whole call failed, else None."""
    codes = [str(getattr(m, "code", "") or "") for m in messages]
    words = " ".join(str(getattr(m, "message", "") or "") for m in messages).lower()
    if any(c in ("401", "403") or c.startswith(AUTH_CODES) for c in codes) or AUTH.search(words):
        return "auth"
    if any(c == "429" or c.startswith("5") or c.startswith("SHIPPING_SDK") for c in codes):
        return "transient"
    return None
