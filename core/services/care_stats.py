"""The dashboard's delivery figures: EDD accuracy, on-time rate and median transit per
carrier and region, and delays care caught before the shopper asked.

A parcel counts in the period it was delivered in (its delivered time, in the shop's zone).
Its promise is the order's first recorded range (`promise_changes`, the date the shopper
was first given), else the order's estimated day; "within" means delivered between the
range's first and last day, "on time" by its last day. Transit is calendar days from the
order's first "shipped" to the parcel's delivery.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.statuses import Status
from core.storage.models import (
    CareAction,
    FollowedParcel,
    Order,
    OrderEvent,
    ProblemReport,
    PromiseChange,
    Shipment,
)

from .promises import destination_of


@dataclass
class Lane:
    """One carrier to one region: parcels delivered, within the range, on time, transit days."""

    carrier: str
    region: str
    delivered: int = 0
    with_promise: int = 0
    within: int = 0
    on_time: int = 0
    transit: list[int] = field(default_factory=list)

    @property
    def median_transit(self) -> float | None:
        """The median transit in days."""
        return statistics.median(self.transit) if self.transit else None

    @property
    def on_time_share(self) -> float | None:
        """Delivered by the promise's last day, of those with a promise."""
        return self.on_time / self.with_promise if self.with_promise else None

    @property
    def within_share(self) -> float | None:
        """Delivered within the promised range, of those with a promise."""
        return self.within / self.with_promise if self.with_promise else None


@dataclass
class DeliveryStats:
    """All lanes of a period, their totals, and the delays care caught first."""

    lanes: list[Lane] = field(default_factory=list)
    delays_caught: int = 0
    delays_caught_first: int = 0

    def total(self) -> Lane:
        """Every lane added together."""
        out = Lane("*", "*")
        for lane in self.lanes:
            out.delivered += lane.delivered
            out.with_promise += lane.with_promise
            out.within += lane.within
            out.on_time += lane.on_time
            out.transit += lane.transit
        return out


def delivery_stats(
    s: Session, shop_id: int, since: datetime, until: datetime, tz: tzinfo
) -> DeliveryStats:
    """The shop's delivery figures for parcels delivered in [since, until)."""
    rows = s.execute(
        select(Shipment, Order, FollowedParcel.carrier)
        .join(Order, Order.id == Shipment.order_id)
        .outerjoin(FollowedParcel, FollowedParcel.shipment_id == Shipment.id)
        .where(
            Shipment.shop_id == shop_id,
            Order.shop_id == shop_id,
            Shipment.status == Status.DELIVERED.value,
            Shipment.status_at >= since,
            Shipment.status_at < until,
        )
    ).all()
    order_ids = list({order.id for _, order, _ in rows})
    promised = _first_promises(s, order_ids)
    shipped = _first_shipped(s, shop_id, order_ids)
    lanes: dict[tuple[str, str], Lane] = {}
    for parcel, order, slug in rows:
        carrier = slug or (parcel.carrier or "—")
        region = destination_of(order.customer) or "—"
        lane = lanes.setdefault((carrier, region), Lane(carrier, region))
        lane.delivered += 1
        assert parcel.status_at is not None
        day = parcel.status_at.astimezone(tz).date()
        span = promised.get(order.id) or (
            (order.estimated_delivery, order.estimated_delivery)
            if order.estimated_delivery
            else None
        )
        if span is not None:
            lane.with_promise += 1
            lane.within += span[0] <= day <= span[1]
            lane.on_time += day <= span[1]
        if order.id in shipped:
            lane.transit.append((day - shipped[order.id].astimezone(tz).date()).days)
    caught, first = _delays_caught(s, shop_id, since, until)
    return DeliveryStats(sorted(lanes.values(), key=lambda x: (x.carrier, x.region)), caught, first)


def _first_promises(s: Session, order_ids: list[int]) -> dict[int, tuple[date, date]]:
    out: dict[int, tuple[date, date]] = {}
    for i in range(0, len(order_ids), 500):
        chunk = order_ids[i : i + 500]
        first = (
            select(func.min(PromiseChange.id))
            .where(PromiseChange.order_id.in_(chunk), PromiseChange.shipment_external_id.is_(None))
            .group_by(PromiseChange.order_id)
        )
        for oid, earliest, latest in s.execute(
            select(PromiseChange.order_id, PromiseChange.earliest, PromiseChange.latest).where(
                PromiseChange.id.in_(first)
            )
        ):
            out[oid] = (earliest, latest)
    return out


def _first_shipped(s: Session, shop_id: int, order_ids: list[int]) -> dict[int, datetime]:
    out: dict[int, datetime] = {}
    for i in range(0, len(order_ids), 500):
        for oid, at in s.execute(
            select(OrderEvent.order_id, func.min(OrderEvent.occurred_at))
            .where(
                OrderEvent.shop_id == shop_id,
                OrderEvent.order_id.in_(order_ids[i : i + 500]),
                OrderEvent.status == Status.SHIPPED.value,
            )
            .group_by(OrderEvent.order_id)
        ):
            if oid is not None and at is not None:
                out[oid] = at
    return out


def _delays_caught(s: Session, shop_id: int, since: datetime, until: datetime) -> tuple[int, int]:
    """(orders care found late or stalled, of which the shopper had not reported it before)."""
    found = s.execute(
        select(CareAction.order_id, func.min(CareAction.created_at))
        .where(
            CareAction.shop_id == shop_id,
            CareAction.rule.in_(("late", "stalled")),
            CareAction.created_at >= since,
            CareAction.created_at < until,
        )
        .group_by(CareAction.order_id)
    ).all()
    if not found:
        return 0, 0
    asked = dict(
        s.execute(
            select(ProblemReport.order_id, func.min(ProblemReport.created_at))
            .where(
                ProblemReport.shop_id == shop_id,
                ProblemReport.order_id.in_([oid for oid, _ in found]),
            )
            .group_by(ProblemReport.order_id)
        ).all()
    )
    first = sum(1 for oid, at in found if oid not in asked or asked[oid] > at)
    return len(found), first


DELIVERY_CSV_HEADER = ["metric", "carrier", "region", "value"]
"""The delivery export, one figure a row ("*": every carrier or region together)."""


def delivery_csv_rows(stats: DeliveryStats) -> list[list[object]]:
    """Each lane's figures and the totals, then the delays care caught."""
    rows: list[list[object]] = []
    for lane in [*stats.lanes, stats.total()]:
        figures: list[tuple[str, object]] = [
            ("delivered", lane.delivered),
            ("with_promise", lane.with_promise),
            ("within_range", lane.within),
            ("on_time", lane.on_time),
            ("within_range_share", _share(lane.within_share)),
            ("on_time_share", _share(lane.on_time_share)),
            ("median_transit_days", "" if lane.median_transit is None else lane.median_transit),
        ]
        rows += [[metric, lane.carrier, lane.region, value] for metric, value in figures]
    rows.append(["delays_caught", "*", "*", stats.delays_caught])
    rows.append(["delays_caught_before_shopper_asked", "*", "*", stats.delays_caught_first])
    return rows


def _share(value: float | None) -> object:
    return "" if value is None else round(value, 4)
