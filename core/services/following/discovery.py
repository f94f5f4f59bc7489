"""Which parcels are followed: every shipment with a tracking number, found by number too."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from core.carriers import numbers as tracking_numbers
from core.carriers.detect import detect
from core.carriers.schedule import PollPolicy
from core.domain.statuses import Status
from core.shop_settings import settings_of
from core.storage.models import FollowedParcel, Order, Shipment, Shop
from core.storage.upsert import insert_ignore

from ..deps import CarrierDeps
from .config import carrier_classes, connected_carriers
from .states import ACTIVE, ENDED, UNRECOGNISED

DISCOVER_BATCH = 5000  # most shipments newly followed per tick


def discover(
    c: CarrierDeps,
    session: Session,
    now: datetime,
    policy: PollPolicy,
    shop_id: int | None = None,
) -> int:
    """Start following every shipment with a tracking number (and a changed number anew)."""
    carriers = carrier_classes()
    q = (
        select(Shipment, Order.external_id, Shop)
        .join(Order, Order.id == Shipment.order_id)
        .join(Shop, Shop.id == Shipment.shop_id)
        .outerjoin(FollowedParcel, FollowedParcel.shipment_id == Shipment.id)
        .where(Shipment.tracking_number.is_not(None), FollowedParcel.id.is_(None))
    )
    if shop_id is not None:
        q = q.where(Shipment.shop_id == shop_id)
    rows = session.execute(q.limit(DISCOVER_BATCH)).all()
    values = []
    connected: dict[int, set[str]] = {}
    for shipment, order_ext, shop in rows:
        number = shipment.tracking_number or ""  # as stored: a changed number is noticed
        if shop.id not in connected:
            connected[shop.id] = connected_carriers(c, shop, carriers)
        country = settings_of(shop).country
        found = detect(shipment.carrier, number, carriers, country, connected[shop.id])
        done = shipment.status == Status.DELIVERED.value
        values.append(
            {
                "shop_id": shipment.shop_id,
                "shipment_id": shipment.id,
                "order_external_id": order_ext,
                "shipment_external_id": shipment.external_id,
                "number": number,
                "number_key": tracking_numbers.clean(number)[:100],
                "carrier": found.carrier,
                "detected_by": found.how,
                "candidates": list(found.others),
                "facts": {},
                "state": ENDED if done else (ACTIVE if found.carrier else UNRECOGNISED),
                "status": shipment.status,
                "next_check_at": None if done else now,
                "failures": 0,
                "ended_at": now if done else None,
                "created_at": now,
            }
        )
    if values:
        session.execute(insert_ignore(session, FollowedParcel), values)
    renumbered = session.scalars(
        select(FollowedParcel)
        .join(Shipment, Shipment.id == FollowedParcel.shipment_id)
        .where(
            and_(
                Shipment.tracking_number.is_not(None),
                Shipment.tracking_number != FollowedParcel.number,
            )
        )
        .limit(DISCOVER_BATCH)
    ).all()
    for parcel in renumbered:  # the merchant corrected the number: follow the new one
        session.delete(parcel)
    session.commit()
    return len(rows)


def find_parcels(
    session: Session, shop_id: int, numbers: Iterable[str], slug: str | None = None
) -> dict[str, list[int]]:
    """Followed parcels of a shop by number, however either side spaced or dashed it.

    A push names numbers as the carrier prints them ("RR123456785UA"), the shop may have
    typed "RR 123 456 785 UA": both meet on `numbers.clean`. Keyed by the numbers given.
    """
    asked: dict[str, list[str]] = {}
    for number in numbers:
        key = tracking_numbers.clean(number)[:100]
        if key and number not in asked.setdefault(key, []):
            asked[key].append(number)
    if not asked:
        return {}
    q = select(FollowedParcel.number_key, FollowedParcel.id).where(
        FollowedParcel.shop_id == shop_id,
        FollowedParcel.number_key.in_(list(asked)),
        FollowedParcel.state != ENDED,
    )
    if slug is not None:
        q = q.where(FollowedParcel.carrier == slug)
    found: dict[str, list[int]] = {}
    for key, parcel_id in session.execute(q).all():
        for number in asked.get(key, []):
            found.setdefault(number, []).append(parcel_id)
    return found
