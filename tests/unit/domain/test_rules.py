"""rules.plan: which messages a status makes due, on which channel, and not before when.

Quiet hours in the shopper's zone (across midnight, across a DST change), debounce on
every channel, consent and reachability, the failover chain. Pure: no database.
"""

from datetime import UTC, datetime, time, timedelta

import pytest

from core.domain.rules import (
    OPTIONAL_EMAIL,
    Planned,
    Policy,
    after_quiet_hours,
    default_matrix,
    next_in_chain,
    plan,
)
from core.domain.statuses import Status as S

DEBOUNCE = timedelta(minutes=2)
KINDS = ("email", "sms", "whatsapp", "telegram", "viber", "webhook")  # the registry's order
EVERYWHERE = set(KINDS)


def policy(**kw) -> Policy:
    """Every built-in channel on for `shipped`, `placed` and `delivered`; night 21:00-08:00."""
    matrix = default_matrix()
    for status in (S.PLACED, S.SHIPPED, S.DELIVERED):
        matrix[status.value] = {ch: True for ch in KINDS}  # a matrix keeps its kinds' order
    kw.setdefault("matrix", matrix)
    kw.setdefault("debounce", DEBOUNCE)
    return Policy(**kw)


def when(planned: list[Planned]) -> dict[str, datetime]:
    return {p.channel: p.not_before for p in planned}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- quiet hours ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "sms_at"),
    [
        # 23:30 in Kyiv (UTC+2 in November): the night has begun, SMS waits for 08:00 tomorrow
        (utc(2026, 11, 20, 21, 30), utc(2026, 11, 21, 6, 0)),
        # 02:00 in Kyiv, after midnight: still the same night, 08:00 the same day
        (utc(2026, 11, 20, 0, 0), utc(2026, 11, 20, 6, 0)),
        # 07:58 + the debounce is 08:00 sharp: the night is over
        (utc(2026, 11, 20, 5, 58), utc(2026, 11, 20, 6, 0)),
        # 20:57 + the debounce is 20:59: not yet night
        (utc(2026, 11, 20, 18, 57), utc(2026, 11, 20, 18, 59)),
    ],
)
def test_quiet_hours_across_midnight_hold_sms_and_messengers_in_the_shoppers_zone(now, sms_at):
    due = when(plan(policy(), S.SHIPPED, now, EVERYWHERE, shopper_tz="Europe/Kyiv"))
    assert due["sms"] == due["whatsapp"] == due["telegram"] == due["viber"] == sms_at
    # email and the merchant's webhook never wait for the morning
    assert due["email"] == due["webhook"] == now + DEBOUNCE


def test_one_moment_is_night_for_one_shopper_and_day_for_another():
    now = utc(2026, 11, 20, 13, 0)  # 08:00 in New York, 15:00 in Kyiv, 22:00 in Tokyo
    sms = {
        tz: when(plan(policy(), S.SHIPPED, now, {"sms"}, shopper_tz=tz))["sms"]
        for tz in ("America/New_York", "Europe/Kyiv", "Asia/Tokyo")
    }
    assert sms["America/New_York"] == sms["Europe/Kyiv"] == now + DEBOUNCE
    assert sms["Asia/Tokyo"] == utc(2026, 11, 20, 23, 0)  # 08:00 the next day in Tokyo


def test_without_the_shoppers_zone_the_shops_zone_decides_and_an_unknown_zone_is_utc():
    now = utc(2026, 11, 20, 13, 0)
    shop_in_tokyo = policy(timezone="Asia/Tokyo")
    assert when(plan(shop_in_tokyo, S.SHIPPED, now, {"sms"}))["sms"] == utc(2026, 11, 20, 23, 0)
    late = utc(2026, 11, 20, 22, 0)
    unknown = when(plan(policy(), S.SHIPPED, late, {"sms"}, shopper_tz="Mars/Olympus_Mons"))
    assert unknown["sms"] == utc(2026, 11, 21, 8, 0)


@pytest.mark.parametrize(
    ("evening", "morning"),
    [
        # Kyiv leaves summer time at 04:00 on 25 Oct 2026: 08:00 is then UTC+2
        (utc(2026, 10, 24, 20, 0), utc(2026, 10, 25, 6, 0)),
        # and enters it at 03:00 on 29 Mar 2026: 08:00 is then UTC+3
        (utc(2026, 3, 28, 21, 0), utc(2026, 3, 29, 5, 0)),
    ],
)
def test_the_night_ends_at_eight_local_time_on_the_nights_the_clocks_change(evening, morning):
    assert after_quiet_hours(evening, policy(), "Europe/Kyiv") == morning


def test_a_daytime_quiet_window_and_no_quiet_window():
    lunch = policy(quiet_start=time(13, 0), quiet_end=time(14, 0))
    assert after_quiet_hours(utc(2026, 11, 20, 13, 30), lunch, "UTC") == utc(2026, 11, 20, 14, 0)
    assert after_quiet_hours(utc(2026, 11, 20, 14, 0), lunch, "UTC") == utc(2026, 11, 20, 14, 0)
    never = policy(quiet_start=time(0, 0), quiet_end=time(0, 0))
    assert after_quiet_hours(utc(2026, 11, 20, 23, 0), never, "UTC") == utc(2026, 11, 20, 23, 0)


# --- debounce ------------------------------------------------------------------------------


def test_every_channel_waits_the_debounce_except_for_the_order_confirmation():
    now = utc(2026, 11, 20, 10, 0)  # daytime everywhere near UTC
    shipped = when(plan(policy(), S.SHIPPED, now, EVERYWHERE, shopper_tz="UTC"))
    assert set(shipped) == EVERYWHERE
    assert set(shipped.values()) == {now + DEBOUNCE}
    placed = when(plan(policy(), S.PLACED, now, EVERYWHERE, shopper_tz="UTC"))
    assert set(placed) == EVERYWHERE and set(placed.values()) == {now}


def test_a_debounce_ending_in_the_night_moves_only_the_phone_channels_to_the_morning():
    now = utc(2026, 11, 20, 20, 59)  # 20:59 UTC + 2 minutes is 21:01, inside the night
    due = when(plan(policy(), S.SHIPPED, now, EVERYWHERE, shopper_tz="UTC"))
    assert due["email"] == due["webhook"] == utc(2026, 11, 20, 21, 1)
    assert {due[ch] for ch in ("sms", "whatsapp", "telegram", "viber")} == {utc(2026, 11, 21, 8, 0)}


def test_no_debounce_means_due_now():
    now = utc(2026, 11, 20, 10, 0)
    due = when(plan(policy(debounce=timedelta(0)), S.SHIPPED, now, {"email", "sms"}, ()))
    assert due == {"email": now, "sms": now}


# --- consent and reachability --------------------------------------------------------------


def test_only_reachable_channels_the_shopper_has_not_stopped_are_planned():
    now = utc(2026, 11, 20, 10, 0)
    due = plan(policy(), S.SHIPPED, now, {"email", "sms", "whatsapp"}, opted_out={"whatsapp"})
    assert [p.channel for p in due] == ["email", "sms"]  # the matrix's channel order


def test_the_unsubscribe_link_stops_progress_emails_but_not_shipping_or_sms():
    now = utc(2026, 11, 20, 10, 0)
    stopped = {OPTIONAL_EMAIL}
    delivered = plan(policy(), S.DELIVERED, now, {"email", "sms"}, opted_out=stopped)
    assert [p.channel for p in delivered] == ["sms"]
    shipped = plan(policy(), S.SHIPPED, now, {"email", "sms"}, opted_out=stopped)
    assert [p.channel for p in shipped] == ["email", "sms"]


def test_a_status_switched_off_sends_nothing_and_a_channel_of_a_new_kind_is_planned():
    now = utc(2026, 11, 20, 10, 0)
    assert plan(policy(), S.PICKING, now, EVERYWHERE) == []  # off in the default matrix
    matrix = default_matrix()
    matrix[S.SHIPPED.value] = {"email": True, "push": True}
    due = plan(policy(matrix=matrix), S.SHIPPED, utc(2026, 11, 20, 23, 0), {"email", "push"})
    # a plug-in's channel comes after the built-in ones and is not held for the night
    assert [(p.channel, p.not_before) for p in due] == [
        ("email", utc(2026, 11, 20, 23, 2)),
        ("push", utc(2026, 11, 20, 23, 2)),
    ]


# --- the failover chain --------------------------------------------------------------------


def test_of_a_failover_chain_only_the_best_reachable_channel_goes_out_and_extras_too():
    now = utc(2026, 11, 20, 10, 0)
    chain = policy(failover={"shipped": ("whatsapp", "sms", "email")})
    assert [p.channel for p in plan(chain, S.SHIPPED, now, {"email", "sms", "whatsapp"})] == [
        "whatsapp"
    ]
    assert [p.channel for p in plan(chain, S.SHIPPED, now, {"email", "sms"})] == ["sms"]
    with_webhook = plan(chain, S.SHIPPED, now, {"email", "sms", "webhook"})
    assert [p.channel for p in with_webhook] == ["sms", "webhook"]  # outside the chain: a copy


def test_the_next_in_chain_skips_channels_that_cannot_take_over():
    chain = policy(failover={"shipped": ("whatsapp", "sms", "email")})
    assert next_in_chain(chain, S.SHIPPED, "whatsapp", {"sms", "email"}) == "sms"
    assert next_in_chain(chain, S.SHIPPED, "whatsapp", {"email"}) == "email"
    assert next_in_chain(chain, S.SHIPPED, "email", {"sms", "whatsapp"}) is None  # the last
    assert next_in_chain(chain, S.SHIPPED, "telegram", {"sms"}) is None  # not in the chain
    assert next_in_chain(chain, S.DELIVERED, "whatsapp", {"sms"}) is None  # no chain there
