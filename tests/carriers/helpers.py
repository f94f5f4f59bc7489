"""Shops with a connected carrier, and shipped orders for the follower to follow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from core.bootstrap import Container
from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.services.pipeline import accept_event
from core.storage.models import FollowedParcel, Shop
from tests.conftest import add_shop
from tests.support.novaposhta import API_KEY

T0 = datetime(2026, 9, 14, 13, 0, tzinfo=UTC)  # after the stand-in's scans (15:24 Kyiv)
SHIPPED = T0 - timedelta(hours=2)  # before them


def np_shop(c: Container, url: str, key: str = API_KEY, **settings: Any) -> Any:
    """A UA shop with Nova Poshta connected (the key sealed with its other secrets)."""
    new = add_shop(
        c, country="UA", carriers=[{"carrier": "novaposhta", "base_url": url}], **settings
    )
    with c.session() as s, s.begin():
        shop = s.get(Shop, new.shop.id)
        assert shop is not None
        secrets = c.box.open(shop.secrets)
        shop.secrets = c.box.seal({**secrets, "carriers": {"novaposhta": {"api_key": key}}})
    return new


def connect_np(c: Container, shop_id: int, url: str, key: str = API_KEY) -> None:
    """Nova Poshta connected to an existing shop: settings entry, key sealed with its secrets."""
    from core.services.shops import update_settings

    with c.session() as s, s.begin():
        shop = s.get(Shop, shop_id)
        assert shop is not None
        update_settings(shop, carriers=[{"carrier": "novaposhta", "base_url": url}])
        secrets = c.box.open(shop.secrets)
        shop.secrets = c.box.seal({**secrets, "carriers": {"novaposhta": {"api_key": key}}})


def ship(
    c: Container,
    shop_id: int,
    order: str,
    number: str,
    carrier: str | None = "Нова пошта",
    at: datetime = SHIPPED,
    phone: str | None = "067 123 45 67",
) -> None:
    """An order shipped with a tracking number, through the pipeline (run inline)."""
    ev = OrderEventIn(
        event_key=f"ship-{order}",
        source="test",
        order_id=order,
        number=f"#{order}",
        occurred_at=at,
        status=Status.SHIPPED,
        customer=CustomerInfo(name="Олена", email=f"{order}@example.com", phone=phone),
        shipment=ShipmentInfo(id=f"p-{order}", carrier=carrier, tracking_number=number),
    )
    with c.session() as s:
        accepted = accept_event(s, shop_id, ev, now=at)
    c.queue.enqueue("process_event", accepted.event_id)


def parcel(c: Container, number: str) -> FollowedParcel:
    """The followed parcel of a number, detached."""
    from sqlalchemy import select

    with c.session() as s:
        found = s.scalars(select(FollowedParcel).where(FollowedParcel.number == number)).one()
        s.expunge(found)
        return found


class FakeClock:
    """A monotonic clock for the pacing: sleeping moves it on, and is recorded."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.t += seconds


def bulk_shipped(c: Container, shop_id: int, numbers: list[str]) -> None:
    """Many shipped orders at once, as the pipeline leaves them (setup for the volume tests)."""
    from core.storage.models import Order, Shipment

    with c.session() as s, s.begin():
        for i, n in enumerate(numbers):
            order = Order(shop_id=shop_id, external_id=f"b{shop_id}-{i}", number=f"#{i}", items=[])
            order.shipments.append(
                Shipment(
                    shop_id=shop_id,
                    external_id=f"p{i}",
                    status="shipped",
                    status_at=SHIPPED,
                    carrier="Nova Poshta",
                    tracking_number=n,
                )
            )
            s.add(order)
