"""The dashboard's numbers for one shop and period, each from one plain query.

A message counts in the period it was created in. Sent = state "sent"; delivered = a
provider receipt said delivered; failed = a dead letter or a receipt of failure;
opens and clicks = messages opened or clicked at least once.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.states import MessageState
from core.domain.statuses import Status
from core.shop_settings import DEFAULT_CONTACT_RATE  # the settings' default, kept in one place
from core.storage.models import Feedback, Notification, Order, OrderEvent, TrackingVisit


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


@dataclass
class ChannelStats:
    created: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    opened: int = 0
    clicked: int = 0


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
    contact_rate: float = DEFAULT_CONTACT_RATE

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
    def contacts_avoided(self) -> int:
        return round(self.unique_visitors * self.contact_rate)


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
        ).where(
            Notification.shop_id == shop_id,
            Notification.created_at >= period.since,
            Notification.created_at < period.until,
            Notification.state.not_in((MessageState.SUPERSEDED, MessageState.SKIPPED)),
        )
    )
    for channel, state, delivery, delivered_at, opened_at, clicked_at, created in rows:
        for st in (
            report.channels.setdefault(channel, ChannelStats()),
            report.daily.setdefault((_day(created, period.tz), channel), ChannelStats()),
        ):
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
    report.orders_cancelled = sum(1 for o in orders if o[1] == Status.CANCELLED.value)
    firsts: dict[int, dict[str, datetime]] = defaultdict(dict)
    ids = [o[0] for o in orders]
    for i in range(0, len(ids), 500):
        for oid, status, at in s.execute(
            select(OrderEvent.order_id, OrderEvent.status, func.min(OrderEvent.occurred_at))
            .where(
                OrderEvent.shop_id == shop_id,
                OrderEvent.order_id.in_(ids[i : i + 500]),
                OrderEvent.status.in_((Status.SHIPPED.value, Status.DELIVERED.value)),
            )
            .group_by(OrderEvent.order_id, OrderEvent.status)
        ):
            if oid is not None and status is not None:
                firsts[oid][status] = at if at.tzinfo else at.replace(tzinfo=UTC)
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


def build_report(s: Session, shop_id: int, period: Period, contact_rate: float) -> Report:
    report = Report(period, contact_rate=contact_rate)
    message_stats(s, shop_id, period, report)
    shopper_stats(s, shop_id, period, report)
    order_stats(s, shop_id, period, report)
    return report


CSV_HEADER = ["date", "channel", "messages", "sent", "delivered", "failed", "opened", "clicked"]


def csv_rows(report: Report) -> list[list[Any]]:
    rows = []
    for (day, channel), st in sorted(report.daily.items()):
        rows.append(
            [
                day.isoformat(),
                channel,
                st.created,
                st.sent,
                st.delivered,
                st.failed,
                st.opened,
                st.clicked,
            ]
        )
    return rows
