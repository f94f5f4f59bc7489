"""The delivery promise in words: "Order within 2 hr 15 min, get it Thu, Dec 3 – Fri, Dec 4"."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.units import format_unit

from core.i18n import pgettext

from .locales import format_day_range

SHOWN_WITHIN = timedelta(hours=24)  # a longer countdown says nothing a shopper can act on


def countdown(left: timedelta, locale: str) -> str:
    """A short time left, in hours and minutes: '2 hr 15 min', '2 год 15 хв', '2 ч 15 мин'."""
    minutes = max(1, int(left.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(format_unit(hours, "duration-hour", length="short", locale=locale))
    if minutes:
        parts.append(format_unit(minutes, "duration-minute", length="short", locale=locale))
    return " ".join(parts)


def promise_line(
    earliest: date, latest: date, holds_until: datetime | None, now: datetime, locale: str
) -> str:
    """The storefront's line: with a countdown while the cut-off is under a day away."""
    dates = format_day_range(earliest, latest, locale) or ""
    if holds_until is not None and timedelta(0) < holds_until - now <= SHOWN_WITHIN:
        return pgettext(
            "promise",
            "Order within {left}, get it {dates}",
            locale,
            left=countdown(holds_until - now, locale),
            dates=dates,
        )
    return pgettext("promise", "Get it {dates}", locale, dates=dates)
