"""Orders for the shopper-side tests, pushed through the real pipeline (jobs run inline)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from core.bootstrap import Container
from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.links import TRACK
from core.services.pipeline import accept_event
from core.storage.models import Order

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
XSS = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'

PEOPLE = {
    "en": CustomerInfo(
        name="Emma Clarke", email="emma@example.com", phone="+447700900123", locale="en"
    ),
    "ru": CustomerInfo(
        name="Анна Смирнова", email="anna@example.com", phone="+380501234567", locale="ru"
    ),
    "uk": CustomerInfo(
        name="Олена Петренко", email="olena@example.com", phone="+380671112233", locale="uk"
    ),
}
PARCEL = ShipmentInfo(
    id="p1",
    carrier="Nova Poshta",
    tracking_number="20450012345678",
    tracking_url="https://novaposhta.ua/tracking/?cargo_number=20450012345678",
    estimated_delivery=date(2026, 11, 24),
)


def push(
    c: Container,
    shop_id: int,
    number: str,
    status: Status,
    hours: float = 0,
    customer: CustomerInfo | None = None,
    **fields: Any,
) -> int:
    """Send one event for order `number` through accept + process; the order's id."""
    parcel = fields.pop(
        "shipment",
        PARCEL if status not in (Status.PLACED, Status.PROCESSING, Status.CANCELLED) else None,
    )
    event = OrderEventIn(
        event_key=f"{number}-{status.value}-{hours}",
        source="test",
        order_id=number,
        number=f"#{number}",
        status=status,
        occurred_at=T0 + timedelta(hours=hours),
        customer=customer,
        shipment=parcel,
        **fields,
    )
    with c.session() as s:
        accepted = accept_event(s, shop_id, event)
    c.queue.enqueue("process_event", accepted.event_id)  # inline: processes, then delivers
    with c.session() as s:
        return int(
            s.scalar(select(Order.id).where(Order.shop_id == shop_id, Order.external_id == number))
        )


JOURNEYS: dict[str, list[Status]] = {
    "progress": [Status.PLACED, Status.PROCESSING, Status.SHIPPED, Status.IN_TRANSIT],
    "delivered": [Status.PLACED, Status.SHIPPED, Status.DELIVERED],
    "problem": [Status.PLACED, Status.SHIPPED, Status.DELAYED],
    "cancelled": [Status.PLACED, Status.CANCELLED],
}


def order_in(
    c: Container, shop_id: int, number: str, family: str, locale: str, **fields: Any
) -> int:
    """An order that went through one status family's journey, for a shopper in `locale`."""
    order_id = 0
    for i, status in enumerate(JOURNEYS[family]):
        extra = dict(fields) if i == 0 else {}
        if status in (Status.DELAYED, Status.CANCELLED):
            extra["reason"] = {
                "en": "Storm at the hub",
                "ru": "Шторм на складе",
                "uk": "Шторм на складі",
            }[locale]
        if status == Status.DELAYED:
            extra["shipment"] = ShipmentInfo(id="p1", estimated_delivery=date(2026, 11, 27))
        order_id = push(c, shop_id, number, status, i * 5, PEOPLE[locale], **extra)
    return order_id


def track_path(c: Container, shop_id: int, order_id: int) -> str:
    """The path of the order's signed tracking link."""
    return f"/track/{c.links.token(TRACK, shop_id, order_id)}"
