"""Meest openAPI tracking answers → ParcelUpdate (pure: dicts in, values out)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.carriers.base import ParcelUpdate, PickupPoint, Scan
from core.carriers.httpcall import scan_digest
from core.carriers.meest.statuses import FINAL, status_of
from core.domain.statuses import Status

KYIV = ZoneInfo("Europe/Kyiv")  # Meest states local times without an offset


def _words(value: Any, locale: str = "UA") -> str:
    if isinstance(value, Mapping):
        return str(value.get(f"descr{locale}") or value.get("descrUA") or "")
    return "" if value is None else str(value)


def _when(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=KYIV)


def scan_of(event: Mapping[str, Any]) -> Scan | None:
    """One tracking event as a scan (None when it has no usable time)."""
    occurred = _when(event.get("eventDateTime"))
    if occurred is None:
        return None
    code = str(event.get("eventCode") or "")
    words = _words(event.get("eventDescr"))
    status, reason = status_of(code, f"{words} {_words(event.get('eventDescr'), 'EN')}")
    detail = _words(event.get("eventDetailDescr"))
    place = ", ".join(
        p
        for p in (_words(event.get("eventCityDescr")), _words(event.get("eventCountryDescr")))
        if p
    )
    return Scan(
        scan_id=scan_digest(event.get("parcelNumber"), event.get("eventDateTime"), code, words),
        occurred_at=occurred,
        code=code,
        description=f"{words}. {detail}" if detail else words,
        status=status,
        location=place or None,
        reason=reason,
    )


def update_of(number: str, answer: Any) -> ParcelUpdate:
    """What Meest's answer for one number says now (no events: not found yet)."""
    events = answer.get("result") if isinstance(answer, Mapping) else None
    if not isinstance(events, list) or not events:
        return ParcelUpdate(
            number=number, found=False, raw=answer if isinstance(answer, dict) else {}
        )
    scans = sorted(
        (s for s in (scan_of(e) for e in events if isinstance(e, Mapping)) if s is not None),
        key=lambda s: s.occurred_at,
    )
    current = next((s for s in reversed(scans) if s.status is not None), None)
    status = current.status if current else None
    pickup = None
    if status is Status.READY_FOR_PICKUP and current is not None:
        pickup = PickupPoint(name=current.location or "", address=current.description)
    return ParcelUpdate(
        number=number,
        status=status,
        scans=tuple(scans),
        pickup_point=pickup,
        final=status in FINAL,
        raw=dict(answer),
    )
