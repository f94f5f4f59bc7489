"""The demo's carrier-driven orders: shipped with the built-in demo carrier, then left alone.

Nothing but the follower moves them on: it polls the demo carrier (core/carriers/demo),
whose scans advance with the clock, so the tracking page and the outbox show "in transit",
"ready for pickup" (with the branch and its last day), "out for delivery" (with the
courier's window), a missed delivery and "delivered" arriving by themselves.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.bootstrap import Container
from core.carriers.demo import STALLS, WAITS
from core.carriers.schedule import PollPolicy
from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.services.pipeline import accept_event
from core.services.shops import update_settings
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Shop

_FAST = timedelta(seconds=5)
DEMO_POLICY = PollPolicy(
    intervals={None: _FAST},  # every state: the demo's parcels move within a minute
    in_transit_near=_FAST,
    not_found=_FAST,
    after_final=timedelta(minutes=2),
    backoff_base=_FAST,
    push_stretch=1.0,  # the demo carrier is polled, not pushed to
)
SHOPPERS = (  # (name, email, phone, language, zone, route): "0" to a branch, "5" to the door
    ("Оксана Мельник", "oksana@example.com", "+380 67 555 01 02", "uk", "Europe/Kyiv", "0"),
    ("Emma Walsh", "emma@example.com", "+44 7911 123456", "en", "Europe/London", "0"),
    ("Ірина Коваль", "iryna@example.com", "+380 50 555 03 04", "uk", "Europe/Kyiv", "5"),
)


def connect_demo_carrier(c: Container, shop_id: int, step_seconds: float = 20.0) -> None:
    """Connect the demo carrier to the shop, its scans `step_seconds` apart."""
    with c.session() as s, s.begin():
        shop = s.get(Shop, shop_id)
        assert shop is not None
        others = [e.config() for e in settings_of(shop).carriers if e.carrier != "demo"]
        entry = {"carrier": "demo", "step_seconds": step_seconds}
        update_settings(shop, carriers=[*others, entry])


def ship_followed_orders(c: Container, shop_id: int, now: datetime | None = None) -> list[str]:
    """Orders placed and shipped just now with demo-carrier numbers; their numbers."""
    now = now or utcnow()
    numbers = []
    for i, (name, email, phone, locale, tz, route) in enumerate(SHOPPERS):
        # the demo carrier's route follows the number's last digit (core/carriers/demo)
        order_id, number = f"followed-{i + 1}", f"WD{now:%m%d%H%M}{i}{route}"
        customer = CustomerInfo(name=name, email=email, phone=phone, locale=locale, timezone=tz)
        base = dict(order_id=order_id, number=f"#{2001 + i}", customer=customer, locale=locale)
        events = [
            OrderEventIn(
                event_key=f"{order_id}:placed",
                source="simulator",
                occurred_at=now - timedelta(minutes=30),
                status=Status.PLACED,
                items=[{"name": "Чайник Kettle One", "quantity": 1, "price": "1299.00"}],
                total="1299.00",
                currency="UAH",
                **base,  # type: ignore[arg-type]
            ),
            OrderEventIn(
                event_key=f"{order_id}:shipped",
                source="simulator",
                occurred_at=now - timedelta(seconds=5),
                status=Status.SHIPPED,
                shipment=ShipmentInfo(id="p1", carrier="Wismo Demo Post", tracking_number=number),
                **base,  # type: ignore[arg-type]
            ),
        ]
        for event in events:
            with c.session() as s:
                accepted = accept_event(s, shop_id, event)
            if not accepted.duplicate:
                c.queue.enqueue("process_event", accepted.event_id)
        numbers.append(number)
    return numbers


CARE_SHOPPERS = (
    ("Тарас Бондар", "taras@example.com", "+380 50 555 03 04", "uk", "Europe/Kyiv", STALLS),
    ("Ирина Ковальчук", "iryna@example.com", "+380 63 555 05 06", "ru", "Europe/Kyiv", WAITS),
)
CARE_SETTINGS = {
    # the demo's minutes stand for days: a stall after about a minute without a scan, the
    # shopper told a minute later, a pickup reminder a minute after arrival
    "stalled": {"on": True, "hours": 0.02},
    "stalled_tell_hours": 0.02,
    "pickup": {"on": True, "hours": 0.02},
}


def ship_care_orders(c: Container, shop_id: int, now: datetime | None = None) -> list[str]:
    """Two more demo-carrier orders for proactive care: one stalls, one waits at the branch."""
    now = now or utcnow()
    with c.session() as s, s.begin():
        shop = s.get(Shop, shop_id)
        assert shop is not None
        update_settings(shop, care={**settings_of(shop).care.model_dump(), **CARE_SETTINGS})
    numbers = []
    for i, (name, email, phone, locale, tz, ending) in enumerate(CARE_SHOPPERS):
        order_id, number = f"care-{i + 1}", f"WD{now:%m%d%H%M}{ending}"
        customer = CustomerInfo(name=name, email=email, phone=phone, locale=locale, timezone=tz)
        event = OrderEventIn(
            event_key=f"{order_id}:shipped",
            source="simulator",
            order_id=order_id,
            number=f"#{2001 + len(SHOPPERS) + i}",  # after the followed orders
            customer=customer,
            locale=locale,
            occurred_at=now - timedelta(seconds=5),
            status=Status.SHIPPED,
            items=[{"name": "Чашка Cup Two", "quantity": 2, "price": "249.00"}],
            total="498.00",
            currency="UAH",
            shipment=ShipmentInfo(id="p1", carrier="Wismo Demo Post", tracking_number=number),
        )
        with c.session() as s:
            accepted = accept_event(s, shop_id, event)
        if not accepted.duplicate:
            c.queue.enqueue("process_event", accepted.event_id)
        numbers.append(number)
    return numbers
