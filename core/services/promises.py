"""The delivery promise kept on each order: computed, replaced, recorded (issue 15 part A).

The engine (`core.promise`) is pure; this module feeds it a shop's settings and learned
transit, keeps `orders.estimated_earliest`/`estimated_delivery` as the shown range and
records each change in `promise_changes` with its cause.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.carriers.detect import by_name, normalise
from core.domain.events import OrderEventIn
from core.domain.statuses import Status
from core.plugins import CARRIERS, load_plugins
from core.promise import (
    OrderFacts,
    Promise,
    PromiseSettings,
    WorkCalendar,
    carrier_days,
    estimate,
    learned_range,
    open_days_between,
)
from core.promise.transit import Range
from core.shop_settings import settings_of
from core.storage.models import (
    CarrierScan,
    Customer,
    FollowedParcel,
    Order,
    PromiseChange,
    Shipment,
    Shop,
)

# no promise is made for these: the parcel has arrived or will not
_SETTLED = frozenset(
    {
        Status.DELIVERED,
        Status.CANCELLED,
        Status.RETURNED,
        Status.REFUNDED,
        Status.RETURN_REQUESTED,
    }
)
CARRIER_SOURCE = "carrier"  # following.SOURCE (imported there would make a cycle via ingest)
LEARN_FROM = 1000  # the newest delivered parcels a shop's figures are learned from


@dataclass(frozen=True)
class Learned:
    """A carrier's learned transit to one region: the range and how many parcels made it."""

    carrier: str
    region: str
    samples: int
    span: Range | None  # None until MIN_SAMPLES deliveries


def home_country(shop: Shop) -> str | None:
    """The warehouse's country: the promise section's, else the shop's own."""
    s = settings_of(shop)
    country = s.promise.holidays_country or s.country
    return country.upper() if country else None


def promise_settings(
    shop: Shop, learned: Mapping[str, Mapping[str, Range]] | None = None
) -> PromiseSettings:
    """The engine's settings for a shop (its `promise` section, zone and country)."""
    s = settings_of(shop)
    p = s.promise
    return PromiseSettings(
        cutoff=time.fromisoformat(p.cutoff),
        processing_days=p.processing_days,
        working_days=frozenset(p.working_days),
        holidays_country=home_country(shop),
        rest_on_workday_holidays=p.rest_on_workday_holidays,
        timezone=s.timezone,
        transit={
            c: {z: (lo, hi) for z, (lo, hi) in zones.items()} for c, zones in p.transit.items()
        },
        learned=learned or {},
    )


def default_carrier(shop: Shop) -> str | None:
    """The carrier an order without a parcel yet is promised by: the first one connected."""
    carriers = settings_of(shop).carriers
    return carriers[0].carrier if carriers else None


def destination_of(customer: Customer | None) -> str | None:
    """The shopper's country, from their phone number (no address reaches Wismo)."""
    if customer is None or not customer.phone_e164:
        return None
    try:
        number = phonenumbers.parse(customer.phone_e164)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.region_code_for_number(number)


def facts_of(shop: Shop, order: Order, shipment: Shipment | None) -> OrderFacts:
    """What the engine is told about an order (and the parcel it is about)."""
    customer = order.customer
    return OrderFacts(
        carrier=(_slug(shipment.carrier) if shipment else None) or default_carrier(shop),
        destination=destination_of(customer),
        shopper_timezone=customer.timezone if customer else None,
        shipped_on=_shipped_on(shop, shipment),
    )


def _slug(carrier: str | None) -> str | None:
    """The `wismo.carriers` slug a carrier name means, else the name normalised."""
    if not carrier:
        return None
    classes = {n: c for n, c in load_plugins(CARRIERS).loaded.items() if isinstance(c, type)}
    return by_name(carrier, classes) or normalise(carrier) or None


def _shipped_on(shop: Shop, shipment: Shipment | None) -> date | None:
    if shipment is None or shipment.status_at is None:
        return None
    return shipment.status_at.astimezone(ZoneInfo(settings_of(shop).timezone)).date()


def current(session: Session, order: Order) -> PromiseChange | None:
    """The order's latest recorded promise."""
    return session.scalars(
        select(PromiseChange)
        .where(PromiseChange.order_id == order.id)
        .order_by(PromiseChange.id.desc())
        .limit(1)
    ).first()


def history(session: Session, shop_id: int, order_id: int) -> list[PromiseChange]:
    """Every change of an order's date, oldest first (one shop's orders only)."""
    return list(
        session.scalars(
            select(PromiseChange)
            .where(PromiseChange.shop_id == shop_id, PromiseChange.order_id == order_id)
            .order_by(PromiseChange.id)
        )
    )


def record_change(
    session: Session,
    order: Order,
    promise: Promise,
    now: datetime,
    shipment_key: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> PromiseChange | None:
    """Keep `promise` as the order's shown range (or, with `shipment_key`, as that parcel's
    date) and record it with its cause; None when nothing changed."""
    last = current(session, order)
    if last is not None and (last.earliest, last.latest, last.shipment_external_id) == (
        promise.earliest,
        promise.latest,
        shipment_key,
    ):
        return None
    if shipment_key is None:
        order.estimated_delivery = promise.latest
        order.estimated_earliest = None if promise.single else promise.earliest
    else:
        for parcel in order.shipments:
            if parcel.external_id == shipment_key:
                parcel.estimated_delivery = promise.latest
    info: dict[str, Any] = dict(detail or {})
    if promise.transit is not None:
        info["transit"] = list(promise.transit)
    if promise.ships_on is not None:
        info["ships_on"] = promise.ships_on.isoformat()
    change = PromiseChange(
        shop_id=order.shop_id,
        order_id=order.id,
        shipment_external_id=shipment_key,
        earliest=promise.earliest,
        latest=promise.latest,
        cause=promise.cause,
        detail=info,
        created_at=now,
    )
    session.add(change)
    session.flush()
    return change


def keep(session: Session, shop: Shop, order: Order, data: OrderEventIn, now: datetime) -> None:
    """After an event: record a date the store or carrier gave, or promise one if none is."""
    shipment = _shipment_of(order, data)
    if data.estimated_delivery is not None and order.estimated_delivery == data.estimated_delivery:
        order.estimated_earliest = None
        # the reason the store gave with its new date ("snow on the Kyiv-Lviv road")
        why = {"reason": data.reason} if data.reason else None
        record_change(session, order, _single(data.estimated_delivery, "platform"), now, None, why)
    if shipment is not None and data.shipment is not None and data.shipment.estimated_delivery:
        # the care job's new date after a delay (core/services/care.py) is the engine's own
        cause = {CARRIER_SOURCE: "carrier", "care": "delay"}.get(data.source, "platform")
        record_change(
            session,
            order,
            _single(data.shipment.estimated_delivery, cause),
            now,
            shipment.external_id,
            {
                "carrier": _slug(shipment.carrier),
                **({"reason": data.reason} if data.reason else {}),
            },
        )
    if order.estimated_delivery is not None or not settings_of(shop).promise.enabled:
        return
    if order.status in _SETTLED or order.overlay in _SETTLED:
        return
    facts = facts_of(shop, order, shipment)
    settings = promise_settings(shop, learned_figures(session, shop, facts.carrier))
    promise = estimate(facts, settings, order.placed_at or data.occurred_at)
    record_change(
        session, order, promise, now, None, {"carrier": facts.carrier, "region": facts.destination}
    )


def _single(day: date, cause: str) -> Promise:
    return Promise(day, day, cause)


def _shipment_of(order: Order, data: OrderEventIn) -> Shipment | None:
    if data.shipment is None:
        return None
    return next((s for s in order.shipments if s.external_id == data.shipment.id), None)


def quote(
    session: Session,
    shop: Shop,
    now: datetime,
    carrier: str | None = None,
    destination: str | None = None,
    shopper_timezone: str | None = None,
) -> Promise:
    """The promise for an order placed now (the storefront's product and cart pages)."""
    slug = _slug(carrier) or default_carrier(shop)
    facts = OrderFacts(carrier=slug, destination=destination, shopper_timezone=shopper_timezone)
    return estimate(facts, promise_settings(shop, learned_figures(session, shop, slug)), now)


# --- learning -------------------------------------------------------------------------------


def transit_samples(session: Session, shop: Shop) -> dict[tuple[str, str], list[int]]:
    """Transit days (first scan to delivery, in the carrier's days) of a shop's newest parcels,
    by (carrier, destination region)."""
    delivered = func.min(
        case((CarrierScan.status == Status.DELIVERED.value, CarrierScan.occurred_at))
    )
    rows = session.execute(
        select(
            FollowedParcel.carrier,
            Customer.phone_e164,
            func.min(CarrierScan.occurred_at),
            delivered,
        )
        .join(CarrierScan, CarrierScan.parcel_id == FollowedParcel.id)
        .join(Shipment, Shipment.id == FollowedParcel.shipment_id)
        .join(Order, Order.id == Shipment.order_id)
        .outerjoin(Customer, Customer.id == Order.customer_id)
        .where(
            FollowedParcel.shop_id == shop.id,
            FollowedParcel.status == Status.DELIVERED.value,
            FollowedParcel.carrier.is_not(None),
        )
        .group_by(FollowedParcel.id, FollowedParcel.carrier, Customer.phone_e164)
        .order_by(FollowedParcel.id.desc())
        .limit(LEARN_FROM)
    ).all()
    here = ZoneInfo(settings_of(shop).timezone)
    home = home_country(shop)
    out: dict[tuple[str, str], list[int]] = defaultdict(list)
    for carrier, phone, first, done in rows:
        if first is None or done is None or done < first:
            continue
        region = _region(phone) or home or "*"
        calendar = WorkCalendar(carrier_days(carrier), None if region == "*" else region)
        days = open_days_between(
            first.astimezone(here).date(), done.astimezone(here).date(), calendar
        )
        out[(carrier, region)].append(days)
    return dict(out)


def _region(phone: str | None) -> str | None:
    if not phone:
        return None
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone))
    except phonenumbers.NumberParseException:
        return None


def learned(session: Session, shop: Shop) -> list[Learned]:
    """Every (carrier, region) the shop has delivered to, with its learned range if any."""
    found = [
        Learned(carrier, region, len(days), learned_range(days))
        for (carrier, region), days in transit_samples(session, shop).items()
    ]
    return sorted(found, key=lambda x: (x.carrier, x.region))


def learned_figures(
    session: Session, shop: Shop, carrier: str | None = None
) -> dict[str, dict[str, Range]]:
    """{carrier: {region: (p20, p80)}} for the engine, when the shop lets it learn."""
    if not settings_of(shop).promise.learn:
        return {}
    out: dict[str, dict[str, Range]] = defaultdict(dict)
    for item in learned(session, shop):
        if item.span is not None and (carrier is None or item.carrier == carrier):
            out[item.carrier][item.region] = item.span
    return dict(out)
