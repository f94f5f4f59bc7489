"""The dashboard's numbers for one shop and period, each from one plain query.

A message counts in the period it was created in. Sent = state "sent"; delivered = a
provider receipt said delivered; failed = a dead letter or a receipt of failure;
opens and clicks = messages opened or clicked at least once. A resend (a staff member sent
a message again) is counted apart, never as a new message.

An order counts in the period it was placed in; "cancelled" means cancelled at any time
(a cancelled order later refunded still counts). The same `Report` feeds the dashboard, its
CSV export and the JSON API (`GET /api/v1/stats`): `report_json` is the one shape of it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.intake import YEARS
from core.domain.states import MessageState
from core.domain.statuses import Status
from core.shop_settings import DEFAULT_CONTACT_RATE  # the settings' default, kept in one place
from core.storage.models import (
    Feedback,
    Notification,
    Order,
    OrderEvent,
    ProblemReport,
    Shipment,
    TrackingVisit,
)

FRESH = ("applied", "overlay", "unchanged")
"""Outcomes of events that really happened to the order (not stale, not refused)."""
RESEND = "~resend"
"""The mark a resend's shipment key carries (core.services.resend)."""


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end` (inclusive), in the shop's time zone."""

    start: date
    end: date  # inclusive
    tz: tzinfo = UTC

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(), self.tz)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), self.tz)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


MAX_DAYS = 366
"""The longest period a report covers."""


def parse_period(
    start: str | None, end: str | None, today: date, tz: tzinfo = UTC, clip: bool = False
) -> Period:
    """`from`/`to` as YYYY-MM-DD, inclusive days in `tz`; the 30 days to `today` by default.

    Raises ValueError with the reason for a malformed date, a year outside what the
    intake accepts, or a period longer than MAX_DAYS (with `clip`, its last MAX_DAYS days
    instead); swapped ends are put in order."""
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=29)
    except ValueError:
        raise ValueError("from and to are dates written YYYY-MM-DD") from None
    if not all(YEARS[0] <= d.year <= YEARS[1] for d in (first, last)):
        raise ValueError(f"dates lie between the years {YEARS[0]} and {YEARS[1]}")
    first, last = min(first, last), max(first, last)
    if (last - first).days >= MAX_DAYS and clip:
        first = last - timedelta(days=MAX_DAYS - 1)
    if (last - first).days >= MAX_DAYS:
        raise ValueError(f"a period covers at most {MAX_DAYS} days")
    return Period(first, last, tz)


@dataclass
class ChannelStats:
    created: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    opened: int = 0
    clicked: int = 0
    resent: int = 0


@dataclass
class CarrierStats:
    """Parcels of the period's orders at one carrier."""

    parcels: int = 0
    delivered: int = 0
    median_transit_h: float | None = None


@dataclass
class Report:
    period: Period
    channels: dict[str, ChannelStats] = field(default_factory=dict)
    daily: dict[tuple[date, str], ChannelStats] = field(default_factory=dict)
    visits: int = 0
    unique_visitors: int = 0
    feedback_count: int = 0
    feedback_avg: float | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)
    orders_placed: int = 0
    orders_cancelled: int = 0
    median_to_ship_h: float | None = None
    median_to_deliver_h: float | None = None
    delivered_with_edd: int = 0
    delivered_by_edd: int = 0
    orders_delayed: int = 0
    contact_rate: float = DEFAULT_CONTACT_RATE
    problems: dict[str, int] = field(default_factory=dict)  # reports by kind
    carriers: dict[str, CarrierStats] = field(default_factory=dict)

    @property
    def total(self) -> ChannelStats:
        out = ChannelStats()
        for st in self.channels.values():
            for k in vars(out):
                setattr(out, k, getattr(out, k) + getattr(st, k))
        return out

    @property
    def cancellation_rate(self) -> float | None:
        return self.orders_cancelled / self.orders_placed if self.orders_placed else None

    @property
    def edd_share(self) -> float | None:
        return self.delivered_by_edd / self.delivered_with_edd if self.delivered_with_edd else None

    @property
    def contacts_avoided(self) -> float:
        """An estimate: shoppers who looked themselves × the share who would have asked."""
        return self.unique_visitors * self.contact_rate


def _day(value: Any, tz: tzinfo = UTC) -> date:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(tz).date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def message_stats(s: Session, shop_id: int, period: Period, report: Report) -> None:
    rows = s.execute(
        select(
            Notification.channel,
            Notification.state,
            Notification.delivery,
            Notification.delivered_at,
            Notification.opened_at,
            Notification.clicked_at,
            Notification.created_at,
            Notification.shipment_key,
        ).where(
            Notification.shop_id == shop_id,
            Notification.created_at >= period.since,
            Notification.created_at < period.until,
            Notification.state.not_in((MessageState.SUPERSEDED, MessageState.SKIPPED)),
        )
    )
    for channel, state, delivery, delivered_at, opened_at, clicked_at, created, key in rows:
        for st in (
            report.channels.setdefault(channel, ChannelStats()),
            report.daily.setdefault((_day(created, period.tz), channel), ChannelStats()),
        ):
            if RESEND in (key or ""):
                st.resent += 1
                continue
            st.created += 1
            st.sent += state == MessageState.SENT
            st.delivered += bool(delivered_at) or delivery == "delivered"
            st.failed += state == MessageState.DEAD or delivery in ("failed", "undelivered")
            st.opened += opened_at is not None
            st.clicked += clicked_at is not None


def shopper_stats(s: Session, shop_id: int, period: Period, report: Report) -> None:
    in_period = (
        TrackingVisit.shop_id == shop_id,
        TrackingVisit.created_at >= period.since,
        TrackingVisit.created_at < period.until,
    )
    report.visits = s.scalar(select(func.count()).select_from(TrackingVisit).where(*in_period)) or 0
    report.unique_visitors = (
        s.scalar(select(func.count(func.distinct(TrackingVisit.visitor))).where(*in_period)) or 0
    )
    fb = (
        Feedback.shop_id == shop_id,
        Feedback.created_at >= period.since,
        Feedback.created_at < period.until,
    )
    count, avg = s.execute(select(func.count(), func.avg(Feedback.rating)).where(*fb)).one()
    report.feedback_count = count or 0
    report.feedback_avg = float(avg) if avg is not None else None
    report.comments = [
        {"rating": r, "comment": c, "at": at, "order_id": oid}
        for r, c, at, oid in s.execute(
            select(Feedback.rating, Feedback.comment, Feedback.created_at, Feedback.order_id)
            .where(*fb, Feedback.comment.is_not(None), Feedback.comment != "")
            .order_by(Feedback.created_at.desc())
            .limit(10)
        )
    ]


def order_stats(s: Session, shop_id: int, period: Period, report: Report) -> None:
    """Cancellations and timings of the orders placed in the period."""
    placed_at = func.coalesce(Order.placed_at, Order.created_at)
    orders = s.execute(
        select(Order.id, Order.status, placed_at, Order.estimated_delivery).where(
            Order.shop_id == shop_id, placed_at >= period.since, placed_at < period.until
        )
    ).all()
    report.orders_placed = len(orders)
    firsts: dict[int, dict[str, datetime]] = defaultdict(dict)
    ids = [o[0] for o in orders]
    marks = (Status.SHIPPED, Status.DELIVERED, Status.CANCELLED, Status.DELAYED)
    for i in range(0, len(ids), 500):
        for oid, status, at in s.execute(
            select(OrderEvent.order_id, OrderEvent.status, func.min(OrderEvent.occurred_at))
            .where(
                OrderEvent.shop_id == shop_id,
                OrderEvent.order_id.in_(ids[i : i + 500]),
                OrderEvent.status.in_([m.value for m in marks]),
                OrderEvent.outcome.in_(FRESH),
            )
            .group_by(OrderEvent.order_id, OrderEvent.status)
        ):
            if oid is not None and status is not None:
                firsts[oid][status] = at if at.tzinfo else at.replace(tzinfo=UTC)
    # cancelled at any time, even when refunded since; delayed at least once
    report.orders_cancelled = sum(
        1 for oid, status, *_ in orders if status == Status.CANCELLED or "cancelled" in firsts[oid]
    )
    report.orders_delayed = sum(1 for oid in ids if "delayed" in firsts[oid])
    to_ship, to_deliver = [], []
    for oid, _, placed, edd in orders:
        placed = placed if placed.tzinfo else placed.replace(tzinfo=UTC)
        shipped, delivered = firsts[oid].get("shipped"), firsts[oid].get("delivered")
        if shipped:
            to_ship.append((shipped - placed).total_seconds() / 3600)
        if shipped and delivered:
            to_deliver.append((delivered - shipped).total_seconds() / 3600)
        if delivered and edd:
            report.delivered_with_edd += 1
            report.delivered_by_edd += delivered.date() <= edd
    report.median_to_ship_h = statistics.median(to_ship) if to_ship else None
    report.median_to_deliver_h = statistics.median(to_deliver) if to_deliver else None


def problem_stats(s: Session, shop_id: int, period: Period, report: Report) -> None:
    """Problem reports shoppers filed in the period, by kind."""
    rows = s.execute(
        select(ProblemReport.kind, func.count())
        .where(
            ProblemReport.shop_id == shop_id,
            ProblemReport.created_at >= period.since,
            ProblemReport.created_at < period.until,
        )
        .group_by(ProblemReport.kind)
    )
    report.problems = {kind: n for kind, n in rows}


def carrier_stats(s: Session, shop_id: int, period: Period, report: Report) -> None:
    """Parcels of the orders placed in the period, per carrier: how many, delivered, transit."""
    placed_at = func.coalesce(Order.placed_at, Order.created_at)
    parcels = s.execute(
        select(Shipment.order_id, Shipment.external_id, Shipment.carrier, Shipment.status)
        .join(Order, Order.id == Shipment.order_id)
        .where(
            Shipment.shop_id == shop_id,
            Order.shop_id == shop_id,
            placed_at >= period.since,
            placed_at < period.until,
        )
    ).all()
    firsts: dict[tuple[int, str], dict[str, datetime]] = defaultdict(dict)
    orders = sorted({oid for oid, *_ in parcels})
    for i in range(0, len(orders), 500):
        for oid, ext, status, at in s.execute(
            select(
                OrderEvent.order_id,
                OrderEvent.shipment_external_id,
                OrderEvent.status,
                func.min(OrderEvent.occurred_at),
            )
            .where(
                OrderEvent.shop_id == shop_id,
                OrderEvent.order_id.in_(orders[i : i + 500]),
                OrderEvent.status.in_((Status.SHIPPED.value, Status.DELIVERED.value)),
                OrderEvent.outcome.in_(FRESH),
            )
            .group_by(OrderEvent.order_id, OrderEvent.shipment_external_id, OrderEvent.status)
        ):
            if oid is not None and status is not None:
                firsts[(oid, ext or "")][status] = at if at.tzinfo else at.replace(tzinfo=UTC)
    transit: dict[str, list[float]] = defaultdict(list)
    for oid, ext, carrier, status in parcels:
        name = (carrier or "").strip() or "—"
        st = report.carriers.setdefault(name, CarrierStats())
        st.parcels += 1
        st.delivered += status == Status.DELIVERED
        # the parcel's own events, else its order's (a one-parcel order often names none)
        seen = firsts.get((oid, ext)) or firsts.get((oid, ""), {})
        shipped, delivered = seen.get("shipped"), seen.get("delivered")
        if shipped and delivered and delivered >= shipped:
            transit[name].append((delivered - shipped).total_seconds() / 3600)
    for name, hours in transit.items():
        report.carriers[name].median_transit_h = statistics.median(hours)


def build_report(s: Session, shop_id: int, period: Period, contact_rate: float) -> Report:
    report = Report(period, contact_rate=contact_rate)
    message_stats(s, shop_id, period, report)
    shopper_stats(s, shop_id, period, report)
    order_stats(s, shop_id, period, report)
    problem_stats(s, shop_id, period, report)
    carrier_stats(s, shop_id, period, report)
    return report


def _stats(st: ChannelStats) -> dict[str, int]:
    return {
        "messages": st.created,
        "sent": st.sent,
        "delivered": st.delivered,
        "failed": st.failed,
        "opened": st.opened,
        "clicked": st.clicked,
        "resent": st.resent,
    }


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def report_json(report: Report) -> dict[str, Any]:
    """Everything the dashboard shows, as plain JSON: the API's answer and the CSV's source."""
    p = report.period
    return {
        "period": {"from": p.start.isoformat(), "to": p.end.isoformat(), "timezone": str(p.tz)},
        "messages": {
            "total": _stats(report.total),
            "channels": {ch: _stats(st) for ch, st in sorted(report.channels.items())},
            "daily": [
                {"date": day.isoformat(), "channel": ch, **_stats(st)}
                for (day, ch), st in sorted(report.daily.items())
            ],
        },
        "orders": {
            "placed": report.orders_placed,
            "cancelled": report.orders_cancelled,
            "cancellation_rate": _round(report.cancellation_rate, 4),
            "delayed": report.orders_delayed,
            "median_placed_to_shipped_hours": _round(report.median_to_ship_h),
            "median_shipped_to_delivered_hours": _round(report.median_to_deliver_h),
            "delivered_with_estimate": report.delivered_with_edd,
            "delivered_by_estimate": report.delivered_by_edd,
        },
        "carriers": {
            name: {
                "parcels": st.parcels,
                "delivered": st.delivered,
                "median_transit_hours": _round(st.median_transit_h),
            }
            for name, st in sorted(report.carriers.items())
        },
        "tracking": {
            "visits": report.visits,
            "unique_visitors": report.unique_visitors,
            "contact_rate": report.contact_rate,
            "support_contacts_avoided": _round(report.contacts_avoided),
        },
        "feedback": {
            "ratings": report.feedback_count,
            "average": _round(report.feedback_avg, 2),
        },
        "problem_reports": dict(sorted(report.problems.items())),
    }


CSV_HEADER = ["section", "date", "scope", "metric", "value"]
"""The CSV is long ("tidy"): one figure a row, so a spreadsheet's pivot table slices it."""


def csv_rows(report: Report) -> list[list[Any]]:
    """`report_json` flattened: section, date (for daily figures), scope, metric, value."""
    data = report_json(report)
    rows: list[list[Any]] = []
    for day in data["messages"]["daily"]:
        for metric, value in day.items():
            if metric not in ("date", "channel"):
                rows.append(["messages", day["date"], day["channel"], metric, value])
    for scope, figures in (
        ("all", data["messages"]["total"]),
        *data["messages"]["channels"].items(),
    ):
        rows += [["messages", "", scope, metric, value] for metric, value in figures.items()]
    for section in ("orders", "tracking", "feedback"):
        rows += [[section, "", "all", m, v] for m, v in data[section].items()]
    for name, figures in data["carriers"].items():
        rows += [["carriers", "", name, m, v] for m, v in figures.items()]
    rows += [
        ["problem_reports", "", kind, "reports", n] for kind, n in data["problem_reports"].items()
    ]
    return [[("" if v is None else v) for v in row] for row in rows]
