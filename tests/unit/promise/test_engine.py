"""The delivery promise engine: cut-off, working days, holidays, zones, transit, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.promise import (
    OrderFacts,
    Promise,
    PromiseSettings,
    WorkCalendar,
    estimate,
    from_carrier,
    learned_range,
    open_days_between,
    re_estimate_after_delay,
    transit_for,
    zone_of,
)
from core.promise.engine import delivery_calendar

KYIV = ZoneInfo("Europe/Kyiv")
UA = PromiseSettings(holidays_country="UA", timezone="Europe/Kyiv")
NP = OrderFacts(carrier="novaposhta", destination="UA", shopper_timezone="Europe/Kyiv")


def kyiv(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=KYIV)


def test_an_order_before_the_cut_off_starts_processing_the_same_day() -> None:
    # Tuesday 3 March 2026, 14:59 in Kyiv: processed Tuesday, handed over Wednesday
    promise = estimate(NP, UA, kyiv(2026, 3, 3, 14, 59))
    assert promise.ships_on == date(2026, 3, 4)
    assert (promise.earliest, promise.latest) == (date(2026, 3, 5), date(2026, 3, 6))
    assert promise.cause == "computed"
    assert promise.holds_until == kyiv(2026, 3, 3, 15, 0).astimezone(UTC)


def test_an_order_at_the_cut_off_ships_a_working_day_later() -> None:
    promise = estimate(NP, UA, kyiv(2026, 3, 3, 15, 0))
    assert promise.ships_on == date(2026, 3, 5)
    assert promise.holds_until == kyiv(2026, 3, 4, 15, 0).astimezone(UTC)


def test_a_friday_evening_order_ships_on_tuesday_and_the_weekend_counts_for_nova_poshta() -> None:
    promise = estimate(NP, UA, kyiv(2026, 3, 6, 18, 0))
    # processing starts Monday 9th, one processing day: handed over Tuesday 10th
    assert promise.ships_on == date(2026, 3, 10)
    assert (promise.earliest, promise.latest) == (date(2026, 3, 11), date(2026, 3, 12))


def test_a_carrier_that_rests_at_weekends_delivers_on_monday() -> None:
    facts = OrderFacts(carrier="dhl_express", destination="DE")
    settings = PromiseSettings(holidays_country="DE", timezone="Europe/Berlin", processing_days=0)
    # Thursday 5 March 2026 10:00: handed over Thursday; 2-4 working days
    promise = estimate(facts, settings, datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    assert promise.ships_on == date(2026, 3, 5)
    assert (promise.earliest, promise.latest) == (date(2026, 3, 9), date(2026, 3, 11))


def test_under_martial_law_ukrainian_holidays_are_working_days() -> None:
    # Law 2136-IX: no days off for holidays while martial law lasts (the holidays package)
    assert UA.warehouse().is_open(date(2026, 8, 24))  # Independence Day, a Monday
    assert delivery_calendar(NP, UA).is_open(date(2026, 12, 25))  # Christmas
    promise = estimate(NP, UA, kyiv(2026, 8, 21, 16, 0))  # Friday after the cut-off
    assert promise.ships_on == date(2026, 8, 25)  # processing Mon 24th, handover Tue 25th


def test_a_shop_may_rest_on_the_holidays_anyway() -> None:
    resting = PromiseSettings(
        holidays_country="UA", timezone="Europe/Kyiv", rest_on_workday_holidays=True
    )
    assert not resting.warehouse().is_open(date(2026, 8, 24))
    promise = estimate(NP, resting, kyiv(2026, 8, 21, 16, 0))
    assert promise.ships_on == date(2026, 8, 26)  # processing Tue 25th, handover Wed 26th
    assert not resting.warehouse().is_open(date(2026, 12, 25))
    assert resting.warehouse().is_open(date(2026, 1, 7))  # old-style Christmas: not since 2024


def test_before_martial_law_the_holidays_and_their_observed_days_were_closed() -> None:
    calendar = UA.warehouse()
    assert not calendar.is_open(date(2021, 8, 24))  # Independence Day, a Tuesday
    assert not calendar.is_open(date(2021, 8, 23))  # the day off moved from Saturday 28th
    assert not calendar.is_open(date(2021, 12, 27))  # Christmas on Saturday, observed Monday
    assert not calendar.is_open(date(2021, 1, 7))  # Orthodox Christmas, then a holiday
    promise = estimate(NP, UA, kyiv(2021, 8, 20, 16, 0))  # Friday after the cut-off
    assert promise.ships_on == date(2021, 8, 26)  # processing Wed 25th, handover Thu 26th


def test_a_holiday_of_another_country_does_not_close_a_ukrainian_warehouse() -> None:
    # 4 July 2025 (a Friday) is a US holiday only
    assert UA.warehouse().is_open(date(2025, 7, 4))
    assert not PromiseSettings(holidays_country="US").warehouse().is_open(date(2025, 7, 4))


def test_the_shoppers_own_today_is_the_floor_of_a_past_handover() -> None:
    facts = OrderFacts(carrier="novaposhta", destination="UA", shipped_on=date(2026, 3, 1))
    promise = estimate(facts, UA, kyiv(2026, 3, 20, 9, 0))
    assert promise.earliest == date(2026, 3, 20)
    assert promise.latest >= promise.earliest


def test_learned_transit_replaces_the_configured_one_and_says_so() -> None:
    settings = PromiseSettings(
        holidays_country="UA",
        transit={"novaposhta": {"domestic": (2, 3)}},
        learned={"novaposhta": {"UA": (1, 1)}},
    )
    assert transit_for(NP, settings) == ((1, 1), "learned")
    configured = PromiseSettings(
        holidays_country="UA", transit={"novaposhta": {"domestic": (2, 3)}}
    )
    assert transit_for(NP, configured) == ((2, 3), "computed")
    assert transit_for(OrderFacts(carrier="ukrposhta"), UA) == ((2, 5), "computed")
    assert transit_for(OrderFacts(carrier="unknown", destination="PL"), UA) == ((5, 12), "computed")


def test_a_one_day_transit_answers_a_single_date() -> None:
    settings = PromiseSettings(holidays_country="UA", learned={"novaposhta": {"UA": (1, 1)}})
    promise = estimate(NP, settings, kyiv(2026, 3, 3, 9, 0))
    assert promise.single and promise.cause == "learned"


def test_zones() -> None:
    assert zone_of("UA", "UA") == "domestic"
    assert zone_of(None, "UA") == "domestic"
    assert zone_of("pl", "UA") == "international"


def test_a_carriers_own_date_replaces_the_range() -> None:
    promise = from_carrier(date(2026, 3, 9))
    assert (promise.earliest, promise.latest, promise.cause) == (
        date(2026, 3, 9),
        date(2026, 3, 9),
        "carrier",
    )
    with pytest.raises(ValueError):
        from_carrier(date(2026, 3, 9), "guess")


def test_a_passed_range_moves_past_today_and_keeps_its_width() -> None:
    old = Promise(date(2026, 3, 5), date(2026, 3, 6), "computed")
    new = re_estimate_after_delay(old, NP, UA, kyiv(2026, 3, 7, 12, 0))
    assert new.cause == "delay"
    assert (new.earliest, new.latest) == (date(2026, 3, 8), date(2026, 3, 9))


def test_learned_range_waits_for_enough_deliveries_then_takes_the_middle_sixty_percent() -> None:
    assert learned_range([2] * 19) is None
    samples = [1] * 4 + [2] * 10 + [3] * 4 + [7] * 2
    assert learned_range(samples) == (1, 3)
    assert learned_range([2] * 20) == (2, 2)


def test_open_days_between_counts_carrier_days() -> None:
    week = WorkCalendar(frozenset(range(5)))
    assert open_days_between(date(2026, 3, 6), date(2026, 3, 9), week) == 1  # Fri -> Mon
    assert open_days_between(date(2026, 3, 6), date(2026, 3, 6), week) == 0


def test_a_calendar_with_no_open_weekday_is_refused() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(frozenset())


# --- properties -------------------------------------------------------------------------

ZONES = st.sampled_from(
    ["Europe/Kyiv", "UTC", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "Europe/London"]
)
CARRIERS = st.sampled_from(["novaposhta", "ukrposhta", "meest", "dhl_express", None])
COUNTRIES = st.sampled_from(["UA", "PL", "DE", "US", None])
MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@st.composite
def shop_settings(draw: st.DrawFn) -> PromiseSettings:
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    low = draw(st.integers(0, 6))
    return PromiseSettings(
        cutoff=time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))),
        processing_days=draw(st.integers(0, 3)),
        working_days=weekdays,
        holidays_country=draw(COUNTRIES),
        timezone=draw(ZONES),
        transit={"*": {"domestic": (low, low + draw(st.integers(0, 5)))}},
    )


@st.composite
def order_facts(draw: st.DrawFn) -> OrderFacts:
    return OrderFacts(
        carrier=draw(CARRIERS), destination=draw(COUNTRIES), shopper_timezone=draw(ZONES)
    )


@given(shop_settings(), order_facts(), MOMENTS)
def test_the_promise_never_falls_on_a_closed_day_nor_shrinks_below_a_day(
    settings: PromiseSettings, facts: OrderFacts, now: datetime
) -> None:
    promise = estimate(facts, settings, now)
    calendar = delivery_calendar(facts, settings)
    assert calendar.is_open(promise.earliest) and calendar.is_open(promise.latest)
    assert promise.latest >= promise.earliest
    assert promise.ships_on is not None and settings.warehouse().is_open(promise.ships_on)
    assert promise.holds_until is not None and promise.holds_until > now


@given(shop_settings(), order_facts(), MOMENTS, st.timedeltas(timedelta(0), timedelta(days=20)))
def test_a_later_order_never_gets_an_earlier_date(
    settings: PromiseSettings, facts: OrderFacts, now: datetime, later: timedelta
) -> None:
    first, second = estimate(facts, settings, now), estimate(facts, settings, now + later)
    assert second.earliest >= first.earliest and second.latest >= first.latest


@given(shop_settings(), order_facts(), MOMENTS)
def test_the_promise_holds_until_its_cut_off_and_not_after(
    settings: PromiseSettings, facts: OrderFacts, now: datetime
) -> None:
    promise = estimate(facts, settings, now)
    assert promise.holds_until is not None
    just_before = estimate(facts, settings, promise.holds_until - timedelta(microseconds=1))
    assert just_before.ships_on == promise.ships_on


@given(shop_settings(), order_facts(), MOMENTS, st.integers(0, 30))
def test_a_delay_always_moves_the_date_later_onto_an_open_day(
    settings: PromiseSettings, facts: OrderFacts, now: datetime, late: int
) -> None:
    first = estimate(facts, settings, now)
    moved = re_estimate_after_delay(first, facts, settings, now + timedelta(days=late))
    calendar = delivery_calendar(facts, settings)
    assert moved.earliest > first.latest and moved.latest > moved.earliest
    assert calendar.is_open(moved.earliest) and calendar.is_open(moved.latest)


@pytest.mark.parametrize(
    ("moment", "ships_on"),
    [
        # the night clocks go forward in Kyiv (29 March 2026, 03:00 -> 04:00, a Sunday)
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 31)),
        # the night they go back (25 October 2026), then a Monday at 14:30 local (11:30 UTC)
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), date(2026, 10, 27)),
        (datetime(2026, 10, 26, 12, 30, tzinfo=UTC), date(2026, 10, 27)),
        (datetime(2026, 10, 26, 13, 0, tzinfo=UTC), date(2026, 10, 28)),
    ],
)
def test_the_cut_off_is_read_on_the_warehouses_own_clock_across_dst(
    moment: datetime, ships_on: date
) -> None:
    assert estimate(NP, UA, moment).ships_on == ships_on


@given(st.lists(st.integers(0, 30), min_size=20, max_size=200))
def test_a_learned_range_is_within_the_samples(samples: list[int]) -> None:
    span = learned_range(samples)
    assert span is not None
    assert min(samples) <= span[0] <= span[1] <= max(samples)
