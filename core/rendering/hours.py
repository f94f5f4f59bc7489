"""A pickup point's opening hours and a courier's delivery window, in the shopper's words.

Day names, times and the words between them come from Babel (CLDR) and our catalogues, so
Nova Poshta's "Monday: 08:00-20:00" reads "пн–пт 08:00–20:00" in Ukrainian and the window
"today between 14:00 and 16:00" reads "сьогодні з 14:00 до 16:00".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from babel.dates import format_interval, format_skeleton, format_time, get_day_names

from core.i18n import NP_

CLOSED = NP_("opening hours", "closed")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})\s*$")
_TODAY = NP_("delivery window", "today between {start} and {end}")
_TOMORROW = NP_("delivery window", "tomorrow between {start} and {end}")
_ON_DAY = NP_("delivery window", "on {day} between {start} and {end}")


def _span(text: str, locale: str) -> str:
    """'08:00-20:00' as the locale writes a time range; anything else as given."""
    m = _SPAN.match(text or "")
    if not m:
        return text.strip()
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if not (h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60):
        return text.strip()
    end = time(0, m2) if h2 == 24 else time(h2, m2)
    return _plain(format_interval(time(h1, m1), end, "Hm", locale=locale))


def week_text(schedule: Sequence[str], locale: str) -> str:
    """A week (Monday first; "" or "-" for a closed day) as one line: days that keep the
    same hours run together, "Mon–Fri 08:00–20:00, Sat 09:00–18:00, Sun closed"."""
    if len(schedule) != 7:
        return ""
    names = get_day_names("abbreviated", context="stand-alone", locale=locale)
    runs: list[tuple[int, int, str]] = []  # (first day, last day, hours)
    for day, raw in enumerate(schedule):
        text = str(raw or "").strip()
        hours = CLOSED(locale) if text in ("", "-") else _span(text, locale)
        if runs and runs[-1][2] == hours:
            runs[-1] = (runs[-1][0], day, hours)
        else:
            runs.append((day, day, hours))
    return ", ".join(
        f"{names[a]}–{names[b]} {h}" if a != b else f"{names[a]} {h}" for a, b, h in runs
    )


def opening_hours(point: Mapping[str, Any] | None, locale: str) -> str | None:
    """A pickup point's hours in `locale` when its week is known, else the carrier's line."""
    if not isinstance(point, Mapping):
        return None
    schedule = point.get("schedule")
    if isinstance(schedule, list | tuple) and len(schedule) == 7:
        return week_text([str(x or "") for x in schedule], locale) or None
    hours = point.get("hours")
    return str(hours) if hours else None


def window_of(raw: Any) -> tuple[datetime, datetime] | None:
    """A stored window (`{"from": iso, "to": iso}`, aware) as two instants, else None."""
    if not isinstance(raw, Mapping):
        return None
    try:
        start = datetime.fromisoformat(str(raw.get("from")))
        end = datetime.fromisoformat(str(raw.get("to")))
    except ValueError:
        return None
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        return None
    return start, end


def window_text(raw: Any, zone: tzinfo, locale: str, today: date | None = None) -> str | None:
    """'today between 14:00 and 16:00' (in `zone`), said from `today`; without `today`, or on
    another day, with the date: 'on 8 December between 14:00 and 16:00'."""
    window = window_of(raw)
    if window is None:
        return None
    start, end = (t.astimezone(zone) for t in window)
    values = {"start": _plain(format_time(start, "short", locale=locale)), "end": ""}
    values["end"] = _plain(format_time(end, "short", locale=locale))
    if today is not None and start.date() == today:
        return _TODAY(locale, **values)
    if today is not None and start.date() == today + timedelta(days=1):
        return _TOMORROW(locale, **values)
    return _ON_DAY(locale, day=format_skeleton("MMMMd", start, locale=locale), **values)


def _plain(text: str) -> str:
    """CLDR's narrow no-break and thin spaces ("2:00\u202fPM", "08:00\u2009–\u200920:00") as
    plain ones: either alone would cost an English SMS its GSM-7 alphabet (three segments)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("\u2009", " ")


def window_span(raw: Any, zone: tzinfo, locale: str) -> str | None:
    """The window as a compact range for pages: '3 Dec, 14:00–16:00' in `locale` and `zone`."""
    window = window_of(raw)
    if window is None:
        return None
    start, end = (t.astimezone(zone) for t in window)
    day = format_skeleton("MMMd", start, locale=locale)
    times = (
        f"{format_time(start, 'short', locale=locale)}–{format_time(end, 'short', locale=locale)}"
    )
    return f"{day}, {times}"
