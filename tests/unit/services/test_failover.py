"""failover.fall_over directly: a failed message hands its status to the next channel, once.

The chain comes from the shop's `failover` setting; a stand-in skips channels the shopper
stopped or cannot be reached on, waits out the quiet hours on a phone channel, points back
at what it replaces, and a stopped shop fails over to nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.domain.events import CustomerInfo, OrderEventIn
from core.domain.states import MessageState
from core.domain.statuses import Status as S
from core.services.contacts import record_opt_out
from core.services.failover import fall_over
from core.services.pipeline import accept_event, process_event
from core.storage.models import Notification, Shop
from tests.conftest import add_shop

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # 12:00 in Kyiv
SHOPPER = CustomerInfo(
    name="Ola Nowak", email="ola@example.com", phone="+380501234567", timezone="Europe/Kyiv"
)
CHAIN = {
    "failover": {"shipped": ["whatsapp", "sms", "email"]},
    "policy": {
        "matrix": {"shipped": {"whatsapp": True, "sms": True, "email": True}},
        "quiet_hours": ["21:00", "08:00"],
    },
}


def shipped(container, **settings) -> tuple[int, int]:
    """A shop with the chain and an order just shipped: (shop id, the planned message's id)."""
    shop = add_shop(container, **{**CHAIN, **settings})
    event = OrderEventIn(
        event_key="e1",
        source="test",
        order_id="7001",
        number="#7001",
        occurred_at=T0,
        status=S.SHIPPED,
        customer=SHOPPER,
        reason="left the warehouse",
    )
    with container.session() as s:
        accepted = accept_event(s, shop.shop.id, event, now=T0)
    with container.session() as s:
        done = process_event(s, accepted.event_id, now=T0)
    (first,) = [i for i in done.notification_ids if channel_of(container, i) == "whatsapp"]
    return shop.shop.id, first


def channel_of(container, note_id: int) -> str:
    with container.session() as s:
        return s.get(Notification, note_id).channel


def as_utc(value: datetime) -> datetime:
    """A stored time in UTC (SQLite gives it back naive, PostgreSQL with its zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def fail(container, note_id: int, now: datetime) -> tuple[int, str] | None:
    """Mark the message dead as delivery would, then fail it over."""
    with container.session() as s, s.begin():
        note = s.get(Notification, note_id)
        note.state, note.last_error = MessageState.DEAD, "provider refused"
        return fall_over(s, note_id, now)


def test_the_chain_is_walked_one_channel_at_a_time_to_its_end(container):
    shop_id, whatsapp = shipped(container)
    with container.session() as s:
        planned = s.scalars(select(Notification.channel).where(Notification.status == "shipped"))
        assert list(planned) == ["whatsapp"]  # only the chain's best goes out at first
    sms_id, sms = fail(container, whatsapp, T0 + timedelta(minutes=3))
    email_id, email = fail(container, sms_id, T0 + timedelta(minutes=4))
    assert (sms, email) == ("sms", "email")
    assert fail(container, email_id, T0 + timedelta(minutes=5)) is None  # the end of the chain
    with container.session() as s:
        notes = {n.channel: n for n in s.scalars(select(Notification))}
    assert notes["whatsapp"].state == notes["sms"].state == MessageState.FAILED_OVER
    assert notes["whatsapp"].last_error == f"provider refused; failed over to sms (#{sms_id})"
    assert notes["sms"].fallback_of == whatsapp and notes["email"].fallback_of == sms_id
    assert notes["email"].state == MessageState.DEAD  # nothing left to take over
    # the stand-in tells what the original would have: the event's own facts
    assert notes["email"].event_facts == notes["whatsapp"].event_facts
    assert notes["email"].event_facts.get("reason") == "left the warehouse"


def test_a_channel_the_shopper_stopped_is_skipped(container):
    shop_id, whatsapp = shipped(container)
    with container.session() as s, s.begin():
        record_opt_out(s, shop_id, "sms", "+380501234567")
    assert fail(container, whatsapp, T0 + timedelta(minutes=3))[1] == "email"


def test_a_phone_channel_taking_over_at_night_waits_for_the_shoppers_morning(container):
    shop_id, whatsapp = shipped(container)
    night = datetime(2026, 11, 20, 21, 30, tzinfo=UTC)  # 23:30 in Kyiv
    sms_id, _ = fail(container, whatsapp, night)
    email_id, _ = fail(container, sms_id, night)
    with container.session() as s:
        morning = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)  # 08:00 in Kyiv
        assert as_utc(s.get(Notification, sms_id).not_before) == morning
        assert as_utc(s.get(Notification, email_id).not_before) == night


def test_a_stopped_shop_fails_over_to_nothing(container):
    shop_id, whatsapp = shipped(container)
    with container.session() as s, s.begin():
        s.get(Shop, shop_id).active = False
    assert fail(container, whatsapp, T0 + timedelta(minutes=3)) is None
    with container.session() as s:
        assert s.get(Notification, whatsapp).state == MessageState.DEAD
        assert s.scalar(select(Notification.id).where(Notification.channel == "sms")) is None
