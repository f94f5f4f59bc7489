"""Open days: a weekday set and one country's public holidays (the `holidays` package)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

# a calendar with no open weekday would loop forever: it is refused where it is made
_MAX_SCAN = 400


PUBLIC, WORKDAY = "public", "workday"


@lru_cache(maxsize=256)
def _holidays_of(country: str, year: int, categories: tuple[str, ...]) -> frozenset[date]:
    try:
        kind = holidays.country_holidays(country, years=year).__class__
        known = tuple(c for c in categories if c in kind.supported_categories)
        found = holidays.country_holidays(country, years=year, categories=known or (PUBLIC,))
    except NotImplementedError:  # a country the package does not know: no holidays
        return frozenset()
    return frozenset(found.keys())


def known_country(country: str) -> bool:
    """Whether the `holidays` package knows this ISO 3166 code."""
    return country.upper() in holidays.list_supported_countries()


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are open: weekdays (Monday 0 … Sunday 6) less one country's holidays.

    `categories` are the `holidays` package's: "public" days off, and "workday" for holidays
    that are working days by law (Ukraine's, under martial law since 2022: Law 2136-IX).
    """

    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    country: str | None = None
    categories: tuple[str, ...] = (PUBLIC,)
    extra_closed: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("a calendar needs at least one open weekday (0-6)")

    def is_open(self, day: date) -> bool:
        """Whether work happens on this day."""
        if day.weekday() not in self.weekdays or day in self.extra_closed:
            return False
        return not (
            self.country and day in _holidays_of(self.country.upper(), day.year, self.categories)
        )

    def first_open(self, day: date) -> date:
        """This day when open, else the next open one."""
        for _ in range(_MAX_SCAN):
            if self.is_open(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no open day within a year")

    def next_open(self, day: date) -> date:
        """The first open day after this one."""
        return self.first_open(day + timedelta(days=1))

    def add(self, day: date, count: int) -> date:
        """The open day `count` open days after `day` (count 0: `day` itself if open)."""
        day = self.first_open(day)
        for _ in range(count):
            day = self.next_open(day)
        return day

    def closed_days(self, start: date, end: date) -> Iterable[date]:
        """Closed days from start to end, both included (for the admin's preview)."""
        day = start
        while day <= end:
            if not self.is_open(day):
                yield day
            day += timedelta(days=1)


def open_days_between(start: date, end: date, calendar: WorkCalendar) -> int:
    """Open days after `start` up to and including `end`: a parcel's transit in carrier days."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_open(day):
            count += 1
    return count
