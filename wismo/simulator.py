"""Synthetic shoppers walking realistic journeys through the real pipeline (demo, load tests)."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from tqdm import tqdm

from core.bootstrap import Container
from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.states import MessageState
from core.domain.statuses import Status
from core.services.ingest import ingest
from core.services.shops import create_shop, shop_by_key
from core.storage.clock import utcnow
from core.storage.models import Shop

S = Status
DEMO_SHOP_NAME = "Chai & Kettle (demo)"

PEOPLE = {
    "en": [
        ("Emma Clarke", "emma.clarke@example.com", "+447700900123", "Europe/London"),
        ("Liam Walsh", "liam.walsh@example.com", "+353851234567", "Europe/Dublin"),
        ("Ava Miller", "ava.miller@example.com", "+12025550143", "America/New_York"),
    ],
    "uk": [
        ("Олена Петренко", "olena.petrenko@example.com", "+380501234567", "Europe/Kyiv"),
        ("Тарас Коваль", "taras.koval@example.com", "+380671112233", "Europe/Kyiv"),
        ("Ірина Бондар", "iryna.bondar@example.com", "+380931234567", "Europe/Kyiv"),
    ],
    "ru": [
        ("Анна Смирнова", "anna.smirnova@example.com", "+37120012345", "Europe/Riga"),
        ("Дмитрий Волков", "dmitry.volkov@example.com", "+77011234567", "Asia/Almaty"),
        ("Мария Орлова", "maria.orlova@example.com", "+37060012345", "Europe/Vilnius"),
    ],
}
CATALOGUE = {
    "en": (
        "EUR",
        [
            ("Gooseneck kettle, matte black", "89.00"),
            ("Darjeeling first flush, 100 g", "18.50"),
            ("Ceramic teapot, 0.8 l", "42.00"),
            ("Bamboo tea tray", "35.00"),
        ],
    ),
    "uk": (
        "UAH",
        [
            ("Електрочайник зі скла, 1,7 л", "1250.00"),
            ("Чай улун «Те Гуань Інь», 100 г", "320.00"),
            ("Глиняний чайник, 0,5 л", "780.00"),
            ("Набір піал, 4 шт.", "540.00"),
        ],
    ),
    "ru": (
        "EUR",
        [
            ("Чайник с термостатом, 1 л", "79.00"),
            ("Пуэр шу, прессованный, 357 г", "24.00"),
            ("Чахай из стекла", "15.00"),
            ("Бамбуковая чабань", "39.00"),
        ],
    ),
}
# The demo can follow only its own carrier, so the simulated parcels travel with it: their
# WD9 numbers are known to it (Admin → Carriers shows them followed, not "not connected"),
# and their news is the simulator's own, as a platform that reports its carrier's scans.
DEMO_CARRIER = ("Wismo Demo Post", "https://demo-post.example/track/{n}", "WD9")
CARRIERS = {"en": DEMO_CARRIER, "uk": DEMO_CARRIER, "ru": DEMO_CARRIER}
PICKUP = {
    "en": {
        "name": "InPost locker DUB-114",
        "address": "12 Grafton Street, Dublin",
        "hours": "24/7",
    },
    "uk": {
        "name": "Поштомат Нова Пошта №5512",
        "address": "Київ, вул. Хрещатик, 22",
        "hours": "цілодобово",
    },
    "ru": {
        "name": "Пункт выдачи DPD Pickup",
        "address": "Рига, ул. Бривибас, 40",
        "hours": "Пн–Пт 9:00–20:00, Сб 10:00–16:00",
    },
}
REASONS = {
    "delayed": {
        "en": "Severe weather at the sorting hub",
        "uk": "Негода в сортувальному центрі",
        "ru": "Непогода в сортировочном центре",
    },
    "exception": {
        "en": "The street number is missing from the address",
        "uk": "В адресі бракує номера будинку",
        "ru": "В адресе не указан номер дома",
    },
    "cancelled": {
        "en": "The item is out of stock",
        "uk": "Товару немає в наявності",
        "ru": "Товара нет в наличии",
    },
}

# A journey: (hours after placing, status, parcel id or None, details)
Step = tuple[float, Status, str | None, dict[str, Any]]
JOURNEYS: dict[str, list[Step]] = {
    "normal delivery": [
        (0, S.PLACED, None, {}),
        (2, S.PROCESSING, None, {}),
        (20, S.PACKED, None, {}),
        (26, S.SHIPPED, "p1", {}),
        (40, S.IN_TRANSIT, "p1", {}),
        (70, S.OUT_FOR_DELIVERY, "p1", {}),
        (74, S.DELIVERED, "p1", {}),
    ],
    "split shipment": [
        (0, S.PLACED, None, {}),
        (1, S.PROCESSING, None, {}),
        (22, S.SHIPPED, "p1", {"items": 2}),
        (30, S.IN_TRANSIT, "p1", {}),
        (46, S.SHIPPED, "p2", {"items": 1}),
        (52, S.DELIVERED, "p1", {}),
        (60, S.IN_TRANSIT, "p2", {}),
        (90, S.DELIVERED, "p2", {}),
    ],
    # waits at the point: 'Ready for pickup → Picked up', its address, hours and deadline
    "pickup point": [
        (0, S.PLACED, None, {}),
        (3, S.PROCESSING, None, {}),
        (24, S.SHIPPED, "p1", {"pickup": True}),
        (36, S.IN_TRANSIT, "p1", {}),
        (60, S.READY_FOR_PICKUP, "p1", {"pickup": True, "keep_days": 7}),
    ],
    "delay with a new date": [
        (0, S.PLACED, None, {}),
        (2, S.PROCESSING, None, {}),
        (25, S.SHIPPED, "p1", {}),
        (40, S.IN_TRANSIT, "p1", {}),
        (60, S.DELAYED, "p1", {"slip_days": 2}),
        (100, S.IN_TRANSIT, "p1", {}),
        (118, S.OUT_FOR_DELIVERY, "p1", {}),
        (121, S.DELIVERED, "p1", {}),
    ],
    "cancellation": [
        (0, S.PLACED, None, {}),
        (1, S.PROCESSING, None, {}),
        (6, S.CANCELLED, None, {"reason": "cancelled"}),
        (8, S.REFUNDED, None, {}),
    ],
    "return": [
        (0, S.PLACED, None, {}),
        (2, S.PROCESSING, None, {}),
        (20, S.SHIPPED, "p1", {}),
        (50, S.DELIVERED, "p1", {}),
        (120, S.RETURN_REQUESTED, None, {}),
        (170, S.RETURNED, None, {}),
        (180, S.REFUNDED, None, {}),
    ],
    "missed delivery": [
        (0, S.PLACED, None, {}),
        (2, S.PROCESSING, None, {}),
        (24, S.SHIPPED, "p1", {}),
        (60, S.OUT_FOR_DELIVERY, "p1", {}),
        (64, S.ATTEMPTED_DELIVERY, "p1", {}),
        (84, S.OUT_FOR_DELIVERY, "p1", {}),
        (87, S.DELIVERED, "p1", {}),
    ],
    "carrier problem": [
        (0, S.PLACED, None, {}),
        (1, S.PROCESSING, None, {}),
        (20, S.SHIPPED, "p1", {}),
        (30, S.IN_TRANSIT, "p1", {}),
        (44, S.EXCEPTION, "p1", {"reason": "exception"}),
        (60, S.IN_TRANSIT, "p1", {}),
        (80, S.DELIVERED, "p1", {}),
    ],
    # the carrier's "delivered" overtakes its own "in transit", which then arrives late
    "late, duplicated webhooks": [
        (0, S.PLACED, None, {}),
        (3, S.PROCESSING, None, {}),
        (24, S.SHIPPED, "p1", {}),
        (70, S.DELIVERED, "p1", {}),
        (70, S.DELIVERED, "p1", {"duplicate": True}),
        (40, S.IN_TRANSIT, "p1", {}),
    ],
    "just placed": [
        (0, S.PLACED, None, {}),
        (1, S.PROCESSING, None, {}),
        (30, S.PICKING, None, {}),
    ],
}


@dataclass
class SimOrder:
    """One synthetic order and the events of its journey."""

    journey: str
    locale: str
    events: list[OrderEventIn] = field(default_factory=list)


LONGEST = max(hours for steps in JOURNEYS.values() for hours, *_ in steps)
"""The longest journey, in hours."""


def demo_shop(c: Container) -> Shop:
    """The demo shop, created with SMS on for the last mile and no quiet hours or debounce."""
    from sqlalchemy import select

    with c.session() as s:
        shop = s.scalar(select(Shop).where(Shop.name == DEMO_SHOP_NAME))
        if shop is not None:
            return shop
        sms_on = {
            st: {"sms": True}
            for st in ("shipped", "out_for_delivery", "ready_for_pickup", "attempted_delivery")
        }
        new = create_shop(
            s,
            c.box,
            name=DEMO_SHOP_NAME,
            platform="api",
            domain="chai-and-kettle.example",
            settings={
                "locale": "en",
                "timezone": "Europe/Kyiv",
                "country": "UA",
                # opens and clicks on, so the demo's dashboard has a story to tell
                "tracking": {"opens": True, "clicks": True},
                "policy": {
                    "matrix": sms_on,
                    "quiet_hours": ["00:00", "00:00"],
                    "debounce_seconds": 0,
                },
                "branding": {
                    "brand_color": "#0f766e",
                    "support_email": "help@chai-and-kettle.example",
                    "support_phone": "+380 44 123 45 67",
                    "store_url": "https://chai-and-kettle.example",
                },
            },
        )
        s.commit()
        return new.shop


def build_orders(count: int, start: datetime, seed: int = 7) -> list[SimOrder]:
    """`count` orders cycling through the journeys and the three languages."""
    rng = random.Random(seed)
    names = list(JOURNEYS)
    locales = itertools.cycle(["uk", "en", "ru"])
    # the journeys are replayed in minutes, long after they "happened": each order's
    # promise lies at least a day past the last simulated step, so an order still on its
    # way in the replay is not "late" (proactive care would apologise to every one)
    horizon = (start + timedelta(hours=LONGEST + 3 * count) + timedelta(days=1)).date()
    orders = []
    for i in range(count):
        journey, locale = names[i % len(names)], next(locales)
        placed = start + timedelta(hours=3 * i)
        orders.append(_order(i, journey, locale, placed, rng, horizon))
    return orders


def _order(
    i: int, journey: str, locale: str, placed: datetime, rng: random.Random, horizon: date
) -> SimOrder:
    name, email, phone, tz = rng.choice(PEOPLE[locale])
    currency, products = CATALOGUE[locale]
    picks = rng.sample(products, 3 if journey == "split shipment" else rng.randint(1, 2))
    items = [{"name": n, "quantity": 1, "price": p} for n, p in picks]
    total = f"{sum(float(p) for _, p in picks):.2f}"
    carrier, url, prefix = CARRIERS[locale]
    order_id = f"sim-{placed:%y%m%d%H}-{i}"
    number = f"#{1001 + i}"
    edd = max((placed + timedelta(days=4)).date(), horizon)
    sim = SimOrder(journey, locale)
    for n, (hours, status, parcel, extra) in enumerate(JOURNEYS[journey]):
        shipment = None
        if parcel:
            tracking = f"{prefix}{rng.randrange(10**8, 10**9)}"
            shipment = (
                ShipmentInfo(
                    id=parcel,
                    carrier=carrier,
                    tracking_number=tracking,
                    tracking_url=url.format(n=tracking),
                    estimated_delivery=edd + timedelta(days=extra.get("slip_days", 0)),
                    pickup_point=_pickup(locale, placed + timedelta(hours=hours), extra),
                    items_count=extra.get("items"),
                )
                if status == S.SHIPPED or extra
                else ShipmentInfo(id=parcel)
            )
        reason_key = extra.get("reason") or ("delayed" if status == S.DELAYED else None)
        sim.events.append(
            OrderEventIn(
                event_key=f"{order_id}:{n - 1 if extra.get('duplicate') else n}",
                source="simulator",
                order_id=order_id,
                number=number,
                occurred_at=placed + timedelta(hours=hours),
                status=status,
                customer=CustomerInfo(
                    name=name, email=email, phone=phone, locale=locale, timezone=tz
                ),
                items=items,
                total=total,
                currency=currency,
                locale=locale,
                estimated_delivery=edd if status == S.PLACED else None,
                reason=REASONS[reason_key][locale] if reason_key else None,
                shipment=shipment,
            )
        )
    return sim


def _pickup(locale: str, at: datetime, extra: dict[str, Any]) -> dict[str, Any] | None:
    """The journey's pickup point; from its arrival, with the date it is kept until."""
    if not extra.get("pickup"):
        return None
    point = dict(PICKUP[locale])
    if extra.get("keep_days"):
        point["keep_until"] = (at + timedelta(days=extra["keep_days"])).date().isoformat()
    return point


# Shoppers who write to the shop from the tracking page: (journey, kind, message per locale)
REPORTS = (
    (
        "carrier problem",
        "change_address",
        {
            "en": "The house number is 14B, please tell the courier. I am home after 6 pm.",
            "uk": "Номер будинку 14Б, передайте, будь ласка, кур'єру. Я вдома після 18:00.",
            "ru": "Номер дома 14Б, передайте, пожалуйста, курьеру. Я дома после 18:00.",
        },
    ),
    (
        "cancellation",
        "refund",
        {
            "en": "When will the money be back on my card?",
            "uk": "Коли гроші повернуться на картку?",
            "ru": "Когда деньги вернутся на карту?",
        },
    ),
)


def file_reports(c: Container, shop_id: int, orders: list[SimOrder], wait: float = 30.0) -> int:
    """Report a problem on the orders whose journey has one, as a shopper on the page does."""
    from sqlalchemy import select

    from core.services.problems import report_problem
    from core.storage.models import Order

    filed = 0
    for journey, kind, texts in REPORTS:
        sim = next((o for o in orders if o.journey == journey), None)
        if sim is None:
            continue
        deadline = time.monotonic() + wait  # the queue may still be processing its events
        while True:
            with c.session() as s:
                order = s.scalar(
                    select(Order).where(
                        Order.shop_id == shop_id, Order.external_id == sim.events[0].order_id
                    )
                )
                if order is not None:
                    report = report_problem(s, order, kind, texts[sim.locale], sim.locale)
                    s.commit()
                    c.queue.enqueue("forward_problem", report.id)
                    filed += 1
                    break
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
    return filed


RATINGS = {  # what the demo's shoppers say of delivered orders, in their language
    "en": (5, "Quick and well packed, thank you!"),
    "uk": (5, "Все прийшло вчасно, дякую!"),
    "ru": (4, "Всё хорошо, но курьер опоздал на час."),
}


def engage(c: Container, shop_id: int, orders: list[SimOrder], wait: float = 30.0) -> int:
    """The demo's shoppers react as real ones do: most open their emails, some follow a link
    and look at the tracking page, and the delivered rate their order. Deterministic: every
    second email is opened, every fourth clicked; returns the emails opened."""
    from sqlalchemy import select

    from core.services.engagement import record_click, record_open, tracked_links
    from core.services.lookup import visitor_hash
    from core.services.shopper import can_rate, record_visit, save_feedback
    from core.storage.models import Notification, Order

    ids = [o.events[0].order_id for o in orders]
    deadline = time.monotonic() + wait  # the in-process queue may still be sending
    while True:
        with c.session() as s:
            busy = s.scalar(
                select(Notification.id)
                .join(Order, Order.id == Notification.order_id)
                .where(
                    Notification.shop_id == shop_id,
                    Order.external_id.in_(ids),
                    Notification.state.in_((MessageState.PENDING, MessageState.SENDING)),
                )
                .limit(1)
            )
        if busy is None or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    opened = 0
    with c.session() as s, s.begin():
        notes = s.scalars(
            select(Notification)
            .join(Order, Order.id == Notification.order_id)
            .where(
                Notification.shop_id == shop_id,
                Order.external_id.in_(ids),
                Notification.channel == "email",
                Notification.state == MessageState.SENT,
            )
            .order_by(Notification.id)
        ).all()
        for i, note in enumerate(notes):
            if i % 2:
                continue
            record_open(s, note)
            opened += 1
            links = tracked_links(note.body_html or "")
            if i % 4 == 0 and links:
                record_click(s, note, links[0])
                day = utcnow().date().isoformat()
                visitor = visitor_hash(c.settings.secret_key, f"demo-{note.order_id}", "demo", day)
                record_visit(s, shop_id, note.order_id, "link", visitor)
        for order in s.scalars(
            select(Order).where(Order.shop_id == shop_id, Order.external_id.in_(ids))
        ):
            if can_rate(order):
                rating, comment = RATINGS.get(order.locale or "en", RATINGS["en"])
                save_feedback(s, order, rating, comment)
    return opened


def interleave(orders: list[SimOrder]) -> Iterator[OrderEventIn]:
    """The orders' events in the order a shop would send them: by placing order, step by step."""
    queues = [list(o.events) for o in orders]
    while any(queues):
        for q in queues:
            if q:
                yield q.pop(0)


def run_simulation(
    c: Container,
    shop_key: str | None = None,
    orders: int = 10,
    pace: float = 1.0,
    progress: bool = False,
    start: datetime | None = None,
) -> int:
    """Walk `orders` synthetic orders through the pipeline; returns the events sent."""
    with c.session() as s:
        shop = shop_by_key(s, shop_key) if shop_key else None
    if shop_key and shop is None:
        raise ValueError(f"no active shop with key {shop_key!r}")
    shop = shop or demo_shop(c)
    # early enough that every step has already happened: the pipeline believes no event
    # from the future (core.domain.events.CLOCK_SKEW)
    start = start or utcnow() - timedelta(hours=LONGEST + 3 * orders + 1)
    sims = build_orders(orders, start)
    events = list(interleave(sims))
    bar = tqdm(events, desc="simulating", unit=" events", disable=not progress)
    for event in bar:
        with c.session() as s:
            ingest(s, c.queue, shop.id, [event])
        if pace:
            time.sleep(pace)
    file_reports(c, shop.id, sims)
    engage(c, shop.id, sims)
    return len(events)
