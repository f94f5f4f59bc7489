"""Pure translation of a `getStatusDocuments` record into a ParcelUpdate (no HTTP here)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.carriers.base import ParcelUpdate, PickupPoint, Scan

from .statuses import np_status

KYIV = ZoneInfo("Europe/Kyiv")  # Nova Poshta states its times in Ukraine's local time
# the formats its date fields come in, which differ from field to field
_FORMATS = (
    "%d-%m-%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%H:%M %d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
)
_DAYS = (
    ("Monday", "Mon"),
    ("Tuesday", "Tue"),
    ("Wednesday", "Wed"),
    ("Thursday", "Thu"),
    ("Friday", "Fri"),
    ("Saturday", "Sat"),
    ("Sunday", "Sun"),
)


def np_time(value: Any) -> datetime | None:
    """A Nova Poshta date/time as an aware datetime; None when empty or a placeholder."""
    text = str(value or "").strip()
    if not text or text.startswith("0001-01-01"):
        return None
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=KYIV)
        except ValueError:
            continue
    return None


def np_day(value: Any) -> date | None:
    """The day part of a Nova Poshta date field."""
    moment = np_time(value)
    return moment.date() if moment else None


def schedule_text(schedule: Any) -> str:
    """A branch's week as one line: "Mon–Fri 08:00-20:00, Sat 09:00-18:00, Sun closed"."""
    if not isinstance(schedule, Mapping):
        return ""
    runs: list[tuple[str, str, str]] = []  # (first day, last day, hours)
    for day, short in _DAYS:
        hours = str(schedule.get(day) or "").strip()
        hours = "closed" if hours in ("", "-") else hours
        if runs and runs[-1][2] == hours:
            runs[-1] = (runs[-1][0], short, hours)
        else:
            runs.append((short, short, hours))
    return ", ".join(f"{a}–{b} {h}" if a != b else f"{a} {h}" for a, b, h in runs)


def schedule_week(schedule: Any) -> tuple[str, ...]:
    """A branch's `Schedule` as seven days, Monday first ("" when closed), for Babel to word."""
    if not isinstance(schedule, Mapping):
        return ()
    days = tuple(str(schedule.get(day) or "").strip() for day, _ in _DAYS)
    return tuple("" if h == "-" else h for h in days) if any(days) else ()


def update_from_record(
    record: Mapping[str, Any], branch: Mapping[str, Any] | None = None, now: datetime | None = None
) -> ParcelUpdate:
    """What one record says about its parcel; `branch` is its branch from getWarehouses."""
    number = str(record.get("Number") or "")
    meaning = np_status(record.get("StatusCode"))
    if not meaning.found:
        return ParcelUpdate(number=number, found=False, raw=dict(record))
    code = str(record.get("StatusCode") or "")
    description = str(record.get("Status") or "")
    at = (
        np_time(record.get("DateScan"))
        or np_time(record.get("TrackingUpdateDate"))
        or np_time(record.get("RecipientDateTime"))
        or np_time(record.get("DateCreated"))
        or now
    )
    if at is None:
        raise ValueError("a Nova Poshta record without any time")
    place = str(record.get("CityRecipient") or "") or None
    scan = Scan(
        scan_id=_scan_id(number, code, at),
        occurred_at=at,
        code=code,
        description=description,
        status=meaning.status,
        location=place,
        reason=meaning.reason,
    )
    return ParcelUpdate(
        number=number,
        status=meaning.status,
        scans=(scan,),
        estimated_delivery=np_day(record.get("ScheduledDeliveryDate")),
        pickup_point=_pickup(record, branch, meaning.locker) if code in ("7", "8") else None,
        final=meaning.final,
        raw=dict(record),
    )


def _pickup(
    record: Mapping[str, Any], branch: Mapping[str, Any] | None, locker: bool
) -> PickupPoint | None:
    name = str(record.get("WarehouseRecipient") or "").strip()
    if not name:
        return None
    city = str(record.get("CityRecipient") or "").strip()
    street = str(record.get("WarehouseRecipientAddress") or "").strip()
    if not street and branch:
        street = str(branch.get("ShortAddress") or "").strip()
    address = ", ".join(p for p in (city, street) if p and p not in name) or city
    paid_from = np_day(record.get("DatePayedKeeping"))
    is_locker = locker or str(record.get("CategoryOfWarehouse") or "") == "Postomat"
    return PickupPoint(
        name=name,
        address=address,
        hours=schedule_text(branch.get("Schedule")) if branch else "",
        schedule=schedule_week(branch.get("Schedule")) if branch else (),
        kind="locker" if is_locker else "branch",
        # paid storage starts that day: the last free day is the one before it
        deadline=paid_from - timedelta(days=1) if paid_from else None,
    )


def _scan_id(number: str, code: str, at: datetime) -> str:
    """Nova Poshta gives a status, not scan ids: its number, code and time make one."""
    raw = f"{number}|{code}|{at.isoformat()}"
    return "np-" + hashlib.sha256(raw.encode()).hexdigest()[:20]
