"""A simulated month of a small shop, through the real pipeline at past times."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.states import MessageState
from core.domain.statuses import Status
from core.services import pipeline
from core.storage.models import Feedback, Notification, Order, TrackingVisit
from tests.support.ticks import deliver

START = datetime(2026, 10, 1, tzinfo=UTC)
DAYS = 30


def _event(
    c: Any,
    shop_id: int,
    key: str,
    order: str,
    status: Status,
    at: datetime,
    edd: date | None = None,
) -> None:
    event = OrderEventIn(
        event_key=key,
        source="api",
        order_id=order,
        number=f"#{order}",
        status=status,
        occurred_at=at,
        estimated_delivery=edd,
        customer=CustomerInfo(name=f"Shopper {order}", email=f"s{order}@example.com", locale="en"),
        shipment=ShipmentInfo(id="p1", carrier="DHL", tracking_number=f"T{order}")
        if status in (Status.SHIPPED, Status.DELIVERED)
        else None,
    )
    with c.session() as s:
        accepted = pipeline.accept_event(s, shop_id, event)
        done = pipeline.process_event(s, accepted.event_id, now=at)
    for note_id in done.notification_ids:
        deliver(c, note_id, now=at)


def seed_month(c: Any, shop_id: int, orders: int = 36, seed: int = 7) -> None:
    """Orders placed across the month (and one the day before), shipped, delivered or
    cancelled; receipts, opens, clicks, tracking visits and feedback on some of them."""
    rnd = random.Random(seed)
    for i in range(orders):
        number = str(1000 + i)
        placed = (
            START
            + timedelta(days=i * DAYS / orders, hours=rnd.randint(8, 18))
            - (timedelta(days=1) if i == 0 else timedelta())
        )
        edd = (placed + timedelta(days=4)).date()
        _event(c, shop_id, f"{number}-p", number, Status.PLACED, placed, edd)
        if i % 9 == 4:
            _event(c, shop_id, f"{number}-c", number, Status.CANCELLED, placed + timedelta(hours=3))
            continue
        shipped = placed + timedelta(hours=rnd.randint(12, 48))
        _event(c, shop_id, f"{number}-s", number, Status.SHIPPED, shipped)
        if i % 5 != 3:
            _event(
                c,
                shop_id,
                f"{number}-d",
                number,
                Status.DELIVERED,
                shipped + timedelta(hours=rnd.randint(30, 120)),
            )
    with c.session() as s, s.begin():
        notes = (
            s.query(Notification)
            .filter(Notification.shop_id == shop_id)
            .order_by(Notification.id)
            .all()
        )
        for n, note in enumerate(notes):
            if n % 2 == 0:
                note.delivery, note.delivered_at = (
                    "delivered",
                    note.created_at + timedelta(minutes=1),
                )
            if n % 3 == 0:
                note.opened_at = note.created_at + timedelta(hours=1)
            if n % 7 == 0:
                note.clicked_at = note.created_at + timedelta(hours=2)
            if n % 11 == 5:
                note.state, note.last_error = MessageState.DEAD, "smtp: 550 no such user"
        order_ids = [
            o.id for o in s.query(Order).filter(Order.shop_id == shop_id).order_by(Order.id)
        ]
        for n, order_id in enumerate(order_ids):
            for v in range(n % 4):
                s.add(
                    TrackingVisit(
                        shop_id=shop_id,
                        order_id=order_id,
                        source="link",
                        visitor=f"v{n}-{v % 2}",
                        created_at=START + timedelta(days=n % DAYS, hours=v),
                    )
                )
            if n % 3 == 1:
                s.add(
                    Feedback(
                        shop_id=shop_id,
                        order_id=order_id,
                        rating=3 + n % 3,
                        comment=f"Comment {n}" if n % 2 else None,
                        created_at=START + timedelta(days=n % DAYS, hours=20),
                    )
                )
