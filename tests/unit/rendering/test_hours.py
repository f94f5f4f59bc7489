"""Opening hours and the courier's delivery window, worded by Babel in en, uk and ru."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from core.carriers.novaposhta.records import schedule_week
from core.rendering.hours import opening_hours, week_text, window_span, window_text
from tests.support.novaposhta import SCHEDULE

KYIV, LONDON = ZoneInfo("Europe/Kyiv"), ZoneInfo("Europe/London")
WINDOW = {"from": "2026-12-03T12:00:00+00:00", "to": "2026-12-03T14:00:00+00:00"}


@pytest.mark.parametrize(
    "locale, expected",
    [
        ("en", "Mon–Fri 08:00 – 20:00, Sat 09:00 – 18:00, Sun closed"),
        ("uk", "пн–пт 08:00–20:00, сб 09:00–18:00, нд зачинено"),
        ("ru", "пн–пт 08:00—20:00, сб 09:00—18:00, вс закрыто"),
    ],
)
def test_a_nova_poshta_branch_week_reads_in_the_shoppers_language(locale, expected):
    week = schedule_week(SCHEDULE)
    assert week == ("08:00-20:00",) * 5 + ("09:00-18:00", "")
    assert week_text(week, locale) == expected
    assert opening_hours({"hours": "Mon–Fri 08:00-20:00", "schedule": list(week)}, locale) == (
        expected
    )


def test_a_point_without_a_week_keeps_the_carriers_own_line_and_odd_hours_stay_as_given():
    assert opening_hours({"hours": "24/7"}, "uk") == "24/7"
    assert opening_hours({}, "uk") is None and opening_hours(None, "uk") is None
    assert week_text(["8-20"] * 7, "en") == "Mon–Sun 8-20"
    assert week_text(["08:00-20:00"], "en") == ""  # not a week


@pytest.mark.parametrize(
    "locale, today, tomorrow",
    [
        ("en", "today between 2:00 PM and 4:00 PM", "tomorrow between 2:00 PM and 4:00 PM"),
        ("uk", "сьогодні з 14:00 до 16:00", "завтра з 14:00 до 16:00"),
        ("ru", "сегодня с 14:00 до 16:00", "завтра с 14:00 до 16:00"),
    ],
)
def test_the_window_is_said_from_the_day_the_courier_set_out_in_the_shoppers_zone(
    locale, today, tomorrow
):
    assert window_text(WINDOW, KYIV, locale, date(2026, 12, 3)) == today
    assert window_text(WINDOW, KYIV, locale, date(2026, 12, 2)) == tomorrow


def test_another_day_names_the_date_and_the_zone_moves_the_hours():
    assert window_text(WINDOW, KYIV, "uk", date(2026, 11, 20)) == "3 грудня з 14:00 до 16:00"
    assert window_text(WINDOW, LONDON, "en") == "on December 3 between 12:00 PM and 2:00 PM"
    assert window_span(WINDOW, KYIV, "uk") == "3 груд., 14:00–16:00"


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {},
        {"from": "2026-12-03T12:00:00", "to": "2026-12-03T14:00:00"},  # no zone
        {"from": "2026-12-03T14:00:00+00:00", "to": "2026-12-03T12:00:00+00:00"},  # backwards
        {"from": "soon", "to": "later"},
    ],
)
def test_an_unreadable_window_says_nothing(raw):
    assert window_text(raw, KYIV, "en", date(2026, 12, 3)) is None
    assert window_span(raw, KYIV, "en") is None


def test_messages_word_a_followed_branchs_week_and_the_window_only_when_out_for_delivery():
    from core.domain.statuses import Status
    from core.rendering import sample_facts, template_context

    facts = sample_facts(Status.READY_FOR_PICKUP, "ru")
    point = facts["shipment"]["pickup_point"]
    point["schedule"] = list(schedule_week(SCHEDULE))
    ctx = template_context(facts, Status.READY_FOR_PICKUP, "ru")
    assert ctx["pickup_point"]["hours"] == "пн–пт 08:00—20:00, сб 09:00—18:00, вс закрыто"
    assert ctx["delivery_window"] is None
    facts = sample_facts(Status.OUT_FOR_DELIVERY, "uk")
    assert template_context(facts, Status.OUT_FOR_DELIVERY, "uk")["delivery_window"] == (
        "сьогодні з 14:00 до 16:00"
    )
    assert template_context(facts, Status.ATTEMPTED_DELIVERY, "uk")["delivery_window"] is None
