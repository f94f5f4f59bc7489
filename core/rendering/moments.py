"""Times shown to shoppers: one rule for the tracking page, the widget and the app proxy.

A moment is shown in the shopper's time zone when the order knows it, else in the shop's,
else in UTC; never in the zone of whatever device happens to display it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_skeleton, format_time

from .locales import format_day


def first_zone(*names: Any) -> tzinfo:
    """The first of `names` that is a known IANA zone, else UTC."""
    for name in names:
        if isinstance(name, str) and name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe", a folder
                continue
    return UTC


def shopper_zone(customer_zone: str | None, shop_zone: str | None) -> tzinfo:
    """The zone a shopper's times are shown in: theirs when known, else the shop's."""
    return first_zone(customer_zone, shop_zone)


def format_moment(value: datetime | date | None, zone: tzinfo, locale: str) -> str:
    """A moment as '24 Nov, 14:05' (in `locale`'s own order) in `zone`; a bare date as a day."""
    if not isinstance(value, datetime):
        return format_day(value, locale) or ""
    day = format_skeleton("MMMd", value, tzinfo=zone, locale=locale)
    return f"{day}, {format_time(value, 'short', tzinfo=zone, locale=locale)}"
