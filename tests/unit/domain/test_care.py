"""The care rules, pure: each step falls due once, at its own time, and care ends with the order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.domain.care import (
    LATE,
    PICKUP,
    PROBLEM,
    STALLED,
    CareRules,
    ParcelFacts,
    Step,
    assess,
    candidates,
)
from core.domain.statuses import Status

T0 = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
RULES = CareRules()


def steps(parcel: ParcelFacts, now: datetime, done: set[str] = frozenset(), tz: str = "UTC"):
    return [(d.rule, d.step) for d in assess([parcel], RULES, now, done, tz).due]


def test_an_order_past_its_estimated_day_is_late_after_the_grace_hours():
    p = ParcelFacts("p1", Status.IN_TRANSIT, T0, estimated=date(2026, 12, 4))
    day_end = datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
    assert steps(p, day_end + timedelta(hours=11)) == []
    assert steps(p, day_end + timedelta(hours=12)) == [(LATE, Step.DELAY)]
    result = assess([p], RULES, day_end + timedelta(hours=1), ())
    assert result.next_at == day_end + timedelta(hours=12)


def test_the_estimated_day_ends_in_the_shoppers_zone():
    p = ParcelFacts("p1", Status.IN_TRANSIT, T0, estimated=date(2026, 12, 4))
    # Kyiv is UTC+2 in December: the 4th ends at 22:00 UTC; + 12 h grace = 10:00 UTC on the 5th
    now = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    assert assess([p], RULES, now, (), "Europe/Kyiv").next_at == datetime(
        2026, 12, 5, 10, 0, tzinfo=UTC
    )


def test_a_step_done_before_is_never_due_again():
    p = ParcelFacts("p1", Status.IN_TRANSIT, T0, estimated=date(2026, 12, 1))
    first = assess([p], RULES, T0, ())
    assert [d.rule for d in first.due] == [LATE]
    again = assess([p], RULES, T0 + timedelta(days=3), {d.key for d in first.due})
    assert again.due == ()


def test_a_new_estimate_is_a_new_cause():
    old = ParcelFacts("p1", Status.IN_TRANSIT, T0, estimated=date(2026, 12, 1))
    new = ParcelFacts("p1", Status.IN_TRANSIT, T0, estimated=date(2026, 12, 2))
    (a,) = assess([old], RULES, T0 + timedelta(days=1), ()).due
    (b,) = assess([new], RULES, T0 + timedelta(days=1), ()).due
    assert a.key != b.key


def test_a_delivered_or_waiting_parcel_is_never_late():
    for status in (Status.DELIVERED, Status.READY_FOR_PICKUP, Status.CANCELLED):
        p = ParcelFacts("p1", status, T0 - timedelta(days=9), estimated=date(2026, 11, 1))
        assert LATE not in [d.rule for d in candidates(p, RULES, "UTC")]


def test_a_followed_parcel_without_scans_is_flagged_then_the_shopper_told():
    last = T0 - timedelta(hours=80)
    p = ParcelFacts(
        "p1", Status.IN_TRANSIT, last, carrier="novaposhta", last_scan_at=last, followed=True
    )
    assert steps(p, last + timedelta(hours=71)) == []
    assert steps(p, last + timedelta(hours=72)) == [(STALLED, Step.FLAG)]
    assert steps(p, last + timedelta(hours=96)) == [(STALLED, Step.FLAG), (STALLED, Step.TELL)]


def test_stall_hours_are_per_carrier_and_a_new_scan_restarts_the_count():
    rules = CareRules(stalled_carriers={"novaposhta": 24})
    last = T0 - timedelta(hours=30)
    p = ParcelFacts(
        "p1", Status.IN_TRANSIT, last, carrier="novaposhta", last_scan_at=last, followed=True
    )
    assert [d.step for d in assess([p], rules, T0, ()).due] == [Step.FLAG]
    scanned = ParcelFacts(
        "p1",
        Status.IN_TRANSIT,
        last,
        carrier="novaposhta",
        last_scan_at=T0 - timedelta(hours=1),
        followed=True,
    )
    assert assess([scanned], rules, T0, ()).due == ()


def test_a_parcel_nobody_follows_never_counts_as_stalled():
    p = ParcelFacts("p1", Status.IN_TRANSIT, T0 - timedelta(days=9))
    assert STALLED not in [d.rule for d in candidates(p, RULES, "UTC")]


def test_a_parcel_at_the_branch_is_reminded_the_next_day_and_before_its_deadline():
    arrived = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    p = ParcelFacts("p1", Status.READY_FOR_PICKUP, arrived, keep_until=date(2026, 12, 8))
    assert steps(p, arrived + timedelta(hours=23)) == []
    assert steps(p, arrived + timedelta(hours=24)) == [(PICKUP, Step.FIRST)]
    # the last free day ends at midnight; 14 h before it is 10:00 on the 8th
    assert (
        steps(
            p, datetime(2026, 12, 8, 9, 59, tzinfo=UTC), {f"p1:pickup:first:{arrived.isoformat()}"}
        )
        == []
    )
    last_day = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert steps(p, last_day, {f"p1:pickup:first:{arrived.isoformat()}"}) == [(PICKUP, Step.LAST)]
    after = datetime(2026, 12, 9, 0, 0, tzinfo=UTC)
    done = {f"p1:pickup:{s}:{arrived.isoformat()}" for s in ("first", "last")}
    assert steps(p, after, done) == [(PICKUP, Step.FLAG)]


def test_a_short_deadline_sends_only_the_last_reminder():
    arrived = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    p = ParcelFacts("p1", Status.READY_FOR_PICKUP, arrived, keep_until=date(2026, 12, 3))
    assert [(d.rule, d.step) for d in candidates(p, RULES, "UTC") if d.step != Step.FLAG] == [
        (PICKUP, Step.LAST)
    ]


def test_a_failed_attempt_alerts_the_merchant_at_once_and_tells_the_next_steps_later():
    at = T0 - timedelta(minutes=5)
    p = ParcelFacts("p1", Status.ATTEMPTED_DELIVERY, at)
    assert steps(p, T0) == [(PROBLEM, Step.FLAG)]
    assert steps(p, at + timedelta(hours=1)) == [(PROBLEM, Step.FLAG), (PROBLEM, Step.TELL)]


def test_a_refused_parcel_is_a_problem_and_care_then_ends():
    p = ParcelFacts(
        "p1",
        Status.IN_TRANSIT,
        T0 - timedelta(days=1),
        overlay=Status.EXCEPTION,
        overlay_at=T0 - timedelta(hours=2),
        reason="refused",
        followed=True,
        last_scan_at=T0 - timedelta(days=9),
        estimated=date(2026, 11, 1),
    )
    result = assess([p], RULES, T0, ())
    assert [(d.rule, d.step) for d in result.due] == [(PROBLEM, Step.FLAG), (PROBLEM, Step.TELL)]
    assert "refused" in result.due[0].cause
    assert assess([p], RULES, T0, {d.key for d in result.due}).next_at is None


def test_switched_off_rules_never_fire():
    rules = CareRules(late=False, stalled=False, pickup=False, problem=False)
    p = ParcelFacts(
        "p1", Status.ATTEMPTED_DELIVERY, T0 - timedelta(days=5), estimated=date(2026, 11, 1)
    )
    assert assess([p], rules, T0, ()).due == ()


def test_a_delivered_order_is_no_longer_watched():
    p = ParcelFacts("p1", Status.DELIVERED, T0)
    assert assess([p], RULES, T0, ()).next_at is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    status=st.sampled_from(list(Status)),
    hours=st.integers(0, 24 * 30),
    days=st.integers(-20, 20),
    now_h=st.integers(0, 24 * 60),
)
def test_whatever_the_facts_nothing_is_due_twice_and_the_next_look_is_in_the_future(
    status, hours, days, now_h
):
    at = T0 - timedelta(hours=hours)
    p = ParcelFacts(
        "p1",
        status,
        at,
        estimated=(T0 + timedelta(days=days)).date(),
        last_scan_at=at,
        followed=True,
        keep_until=(T0 + timedelta(days=days)).date(),
    )
    now = T0 + timedelta(hours=now_h)
    first = assess([p], RULES, now, ())
    assert len({d.key for d in first.due}) == len(first.due)
    assert first.next_at is None or first.next_at > now
    assert assess([p], RULES, now, {d.key for d in first.due}).due == ()


def test_an_estimate_that_passed_more_than_a_week_ago_is_no_news():
    p = ParcelFacts("p1", Status.IN_TRANSIT, T0, estimated=date(2026, 11, 20))
    assert assess([p], RULES, T0, ()).due == ()  # the 20th ended 12 days before
    recent = ParcelFacts("p1", Status.IN_TRANSIT, T0, estimated=date(2026, 11, 27))
    assert [d.rule for d in assess([recent], RULES, T0, ()).due] == [LATE]
