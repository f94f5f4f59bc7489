"""Helpers for the channel tests: a shop wired to stand-in providers, events pushed through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from core.bootstrap import Container
from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.services.pipeline import accept_event
from core.storage.models import MessageEvent, Notification, Shop
from tests.conftest import add_shop

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OLENA = CustomerInfo(
    name="Олена Петренко",
    email="olena@example.com",
    phone="067 123 45 67",  # as shoppers type it: the shop's country (UA) makes it +380...
    locale="uk",
    timezone="Europe/Kyiv",
)
TWILIO_SID, TWILIO_TOKEN = "AC0123456789abcdef0123456789abcdef", "twilio-auth-token"
TWILIO_PATH = f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"


def shop_with(
    c: Container,
    channels: dict[str, list[dict[str, Any]]],
    secrets: dict[str, list[dict[str, Any]]] | None = None,
    matrix: dict[str, dict[str, bool]] | None = None,
    **settings: Any,
) -> Any:
    """A UA shop whose channels point at stand-ins; provider secrets sealed as in production."""
    new = add_shop(c, policy={"matrix": matrix or {}}, channels=channels, country="UA", **settings)
    if secrets:
        with c.session() as s, s.begin():
            shop = s.get(Shop, new.shop.id)
            assert shop is not None
            shop.secrets = c.box.seal({**c.box.open(shop.secrets), "channels": secrets})
    return new


def twilio_provider(stub_url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(settings entry, sealed secrets entry) of a Twilio SMS provider at the stub."""
    return (
        {
            "provider": "twilio",
            "account_sid": TWILIO_SID,
            "from": "+15005550006",
            "base_url": stub_url,
            "timeout": 2,
        },
        {"auth_token": TWILIO_TOKEN},
    )


def push(
    c: Container,
    shop_id: int,
    key: str,
    status: Status,
    hours: float = 0,
    customer: CustomerInfo = OLENA,
    order: str = "1001",
) -> None:
    """Accept one event and run it (and the sends it makes due) inline."""
    shipment = None
    if status not in (Status.PLACED, Status.PROCESSING):
        shipment = ShipmentInfo(id="p1", carrier="Нова пошта", tracking_number="20450000000000")
    ev = OrderEventIn(
        event_key=key,
        source="test",
        order_id=order,
        number=f"#{order}",
        occurred_at=T0 + timedelta(hours=hours),
        status=status,
        customer=customer,
        total="1250.00",
        currency="UAH",
        shipment=shipment,
        items=[{"name": "Чайник", "quantity": 1, "price": "1250.00"}],
    )
    with c.session() as s:
        accepted = accept_event(s, shop_id, ev)
    c.queue.enqueue("process_event", accepted.event_id)


def notes(c: Container, shop_id: int) -> list[tuple[str, str, str]]:
    """(status, channel, state) of every message of the shop, in creation order."""
    with c.session() as s:
        rows = s.execute(
            select(Notification.status, Notification.channel, Notification.state)
            .where(Notification.shop_id == shop_id)
            .order_by(Notification.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def note(c: Container, shop_id: int, status: str, channel: str) -> Notification:
    with c.session() as s:
        found = s.scalars(
            select(Notification).where(
                Notification.shop_id == shop_id,
                Notification.status == status,
                Notification.channel == channel,
            )
        ).one()
        s.expunge(found)
        return found


def events_of(c: Container, notification_id: int) -> list[tuple[str, str | None]]:
    with c.session() as s:
        rows = s.execute(
            select(MessageEvent.kind, MessageEvent.provider)
            .where(MessageEvent.notification_id == notification_id)
            .order_by(MessageEvent.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]
