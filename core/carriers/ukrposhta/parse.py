"""Ukrposhta StatusTracking records → ParcelUpdate (pure: dicts in, values out)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.carriers.base import ParcelUpdate, PickupPoint, Scan
from core.carriers.httpcall import scan_digest
from core.carriers.ukrposhta.statuses import FINAL, status_of
from core.domain.statuses import Status

KYIV = ZoneInfo("Europe/Kyiv")  # Ukrposhta states local times without an offset


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _when(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=KYIV)


def scan_of(record: Mapping[str, Any]) -> Scan | None:
    """One status record as a scan (None when it has no usable date)."""
    occurred = _when(record.get("date"))
    if occurred is None:
        return None
    event = _int(record.get("event"))
    status, reason = status_of(event, _int(record.get("eventReason_id")))
    place = " ".join(str(p) for p in (record.get("index"), record.get("name")) if p)
    words = str(record.get("eventName") or "")
    if record.get("eventReason"):
        words = f"{words} ({record['eventReason']})" if words else str(record["eventReason"])
    return Scan(
        scan_id=scan_digest(record.get("barcode"), record.get("date"), event, record.get("index")),
        occurred_at=occurred,
        code=str(event if event is not None else ""),
        description=words,
        status=status,
        location=place or None,
        reason=reason,
    )


def update_of(number: str, records: Sequence[Mapping[str, Any]]) -> ParcelUpdate:
    """What Ukrposhta's history of one barcode says now."""
    pairs = sorted(
        ((s, r) for r in records if isinstance(r, Mapping) for s in [scan_of(r)] if s is not None),
        key=lambda pair: pair[0].occurred_at,
    )
    scans = [s for s, _ in pairs]
    current = next(((s, r) for s, r in reversed(pairs) if s.status is not None), None)
    status = current[0].status if current else None
    pickup = None
    if status is Status.READY_FOR_PICKUP and current is not None:
        office = current[1]
        pickup = PickupPoint(
            name=str(office.get("name") or ""),
            address=" ".join(str(p) for p in (office.get("index"), office.get("name")) if p),
            kind="branch",
        )
    return ParcelUpdate(
        number=number,
        found=True,
        status=status,
        scans=tuple(scans),
        pickup_point=pickup,
        final=status in FINAL,
        raw={"statuses": list(records)},
    )


def updates_of(numbers: Sequence[str], answer: Any) -> list[ParcelUpdate]:
    """One update per asked number from a `/statuses/with-not-found` answer."""
    found = answer.get("found") if isinstance(answer, Mapping) else None
    found = found if isinstance(found, Mapping) else {}
    updates = []
    for number in numbers:
        records = found.get(number)
        if isinstance(records, list) and records:
            updates.append(update_of(number, records))
        else:
            updates.append(ParcelUpdate(number=number, found=False))
    return updates
