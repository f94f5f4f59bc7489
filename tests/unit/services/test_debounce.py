"""Debounce across channels: newer news supersedes an older message only where it speaks.

A status that sends on SMS but not by email must not swallow the email still waiting
from the status before it (dropping the channel filter in `_supersede` does exactly that).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.states import MessageState
from core.domain.statuses import Status as S
from core.services.pipeline import accept_event, process_event
from core.storage.models import Notification
from tests.conftest import add_shop

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SHOPPER = CustomerInfo(name="Ola Nowak", email="ola@example.com", phone="+380501234567")
# shipped goes by email and SMS; in_transit by SMS only (email is off for it by default)
POLICY = {
    "debounce_seconds": 120,
    "matrix": {"shipped": {"email": True, "sms": True}, "in_transit": {"sms": True}},
}


def apply(container, shop_id: int, key: str, status: S, seconds: int, parcel: str) -> None:
    """Accept and process one event `seconds` after T0, with the clock at that moment."""
    at = T0 + timedelta(seconds=seconds)
    event = OrderEventIn(
        event_key=key,
        source="test",
        order_id="5001",
        number="#5001",
        occurred_at=at,
        status=status,
        customer=SHOPPER,
        shipment=ShipmentInfo(id=parcel, carrier="Nova Poshta", tracking_number=f"TN-{parcel}"),
    )
    with container.session() as s:
        accepted = accept_event(s, shop_id, event, now=at)
    with container.session() as s:
        process_event(s, accepted.event_id, now=at)


def states(container) -> dict[tuple[str, str, str], str]:
    with container.session() as s:
        rows = s.execute(
            select(
                Notification.status,
                Notification.shipment_key,
                Notification.channel,
                Notification.state,
            )
        )
        return {(st, key, ch): state for st, key, ch, state in rows}


def test_news_on_sms_only_supersedes_the_waiting_sms_and_leaves_the_email(container):
    shop = add_shop(container, policy=POLICY)
    apply(container, shop.shop.id, "e1", S.SHIPPED, 0, "p1")
    apply(container, shop.shop.id, "e2", S.IN_TRANSIT, 30, "p1")  # within the 120 s window
    got = states(container)
    assert got[("shipped", "p1", "sms")] == MessageState.SUPERSEDED
    assert got[("shipped", "p1", "email")] == MessageState.PENDING  # the tracking number
    assert got[("in_transit", "p1", "sms")] == MessageState.PENDING


def test_news_about_one_parcel_leaves_another_parcels_waiting_message(container):
    shop = add_shop(container, policy=POLICY)
    apply(container, shop.shop.id, "e1", S.SHIPPED, 0, "p1")
    apply(container, shop.shop.id, "e2", S.IN_TRANSIT, 30, "p2")
    got = states(container)
    assert got[("shipped", "p1", "sms")] == MessageState.PENDING
    assert got[("shipped", "p1", "email")] == MessageState.PENDING


def test_news_after_the_window_supersedes_nothing(container):
    shop = add_shop(container, policy=POLICY)
    apply(container, shop.shop.id, "e1", S.SHIPPED, 0, "p1")
    apply(container, shop.shop.id, "e2", S.IN_TRANSIT, 121, "p1")  # shipped was due at 120 s
    assert states(container)[("shipped", "p1", "sms")] == MessageState.PENDING
