"""Ingestion: accept an event durably, then apply it and plan the messages it makes due.

`accept_event` is all a webhook endpoint does before answering; `process_event` is
the job that follows (in a worker, or in-process). Both are idempotent.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import hooks
from core.domain.events import BACKFILL, SILENT, OrderEventIn, effective_time
from core.domain.intake import InvalidEvent
from core.domain.machine import OrderView, Outcome, Progress, advance, derive_status
from core.domain.rules import Planned, plan
from core.domain.states import MessageState
from core.domain.statuses import OVERLAYS, SHIPMENT_STATUSES, Status
from core.storage.clock import utcnow
from core.storage.models import Notification, Order, OrderEvent, Shipment, Shop
from core.storage.upsert import insert_ignore

from . import catchup, promises
from .contacts import customer_for, opted_out_channels, reachable_channels
from .messages import event_facts, shown_estimate
from .shops import policy_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Accepted:
    """The stored event's id, and whether it had been accepted before."""

    event_id: int
    duplicate: bool


def accept_event(
    session: Session, shop_id: int, event: OrderEventIn, now: datetime | None = None
) -> Accepted:
    """Store the event (once per shop and event key) and commit; nothing is sent yet.

    An event claiming a time beyond the allowed clock skew ahead of `now` counts as
    happening when received; the claimed time is kept in `claimed_at` for the log.
    """
    received = now or utcnow()
    claimed = event.occurred_at
    at = effective_time(claimed, received)
    if at != claimed:
        log.warning(
            "event %s claims %s, received %s: using the receipt", event.event_key, claimed, at
        )
        event = replace(event, occurred_at=at)
    new_id = session.scalar(
        insert_ignore(session, OrderEvent)
        .values(
            shop_id=shop_id,
            source=event.source,
            event_key=event.event_key,
            order_external_id=event.order_id,
            shipment_external_id=event.shipment.id if event.shipment else None,
            status=event.status.value if event.status else None,
            occurred_at=event.occurred_at,
            claimed_at=claimed if at != claimed else None,
            payload=event.to_json(),
            received_at=received,
        )
        .returning(OrderEvent.id)
    )
    session.commit()
    if new_id is not None:
        return Accepted(new_id, False)
    existing = session.scalars(
        select(OrderEvent.id).where(
            OrderEvent.shop_id == shop_id, OrderEvent.event_key == event.event_key
        )
    ).one()
    return Accepted(existing, True)


MAX_EVENT_ATTEMPTS = 5  # an event that fails this often is dead-lettered, not retried forever


def reject_event(session: Session, shop_id: int, source: str, exc: InvalidEvent) -> int:
    """Record a webhook's event refused at intake, with the reasons, for the merchant to see.

    Webhooks answer 2xx even so (a platform retrying or disabling the webhook helps no one);
    the row is processed at once with outcome "rejected", so the relay never picks it up.
    """
    reasons = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
    # never the event's own key: once the merchant fixes the data, the same event (same key)
    # must be accepted, not taken for a duplicate of its refusal
    digest = hashlib.sha256(f"{exc.event_key}\n{reasons}".encode()).hexdigest()[:16]
    key = f"rejected:{digest}:{exc.event_key}"[:200]
    now = utcnow()
    new_id = session.scalar(
        insert_ignore(session, OrderEvent)
        .values(
            shop_id=shop_id,
            source=source[:40],
            event_key=key,
            order_external_id=exc.order_id or "?",
            occurred_at=now,
            payload={"errors": exc.errors},
            received_at=now,
            processed_at=now,
            outcome="rejected",
            last_error=reasons[:4000],
        )
        .returning(OrderEvent.id)
    )
    session.commit()
    log.warning("shop %s: %s event refused at intake: %s", shop_id, source, sorted(exc.errors))
    return int(new_id or 0)


def record_failure(session: Session, event_id: int, exc: BaseException) -> bool:
    """Count a failed processing attempt; True when the event is now dead-lettered.

    Only the error's type and the fields it names are kept: its message may quote a
    shopper's data, which belongs in the database row, not in logs.
    """
    session.rollback()
    with session.begin():
        ev = session.get(OrderEvent, event_id, with_for_update=True)
        if ev is None or ev.processed_at is not None:
            return False
        ev.attempts = (ev.attempts or 0) + 1
        ev.last_error = f"{type(exc).__name__}: {str(exc)[:500]}"
        dead = ev.attempts >= MAX_EVENT_ATTEMPTS
        if dead:
            ev.processed_at, ev.outcome = utcnow(), "dead"
    log.warning(
        "event %s failed (attempt %s, %s)%s",
        event_id,
        ev.attempts,
        type(exc).__name__,
        ": dead-lettered" if dead else "",
    )
    return dead


@dataclass(frozen=True)
class Processed:
    """What processing one event did: its outcome and the notifications it created."""

    outcome: str
    notification_ids: tuple[int, ...] = ()


def process_event(session: Session, event_id: int, now: datetime | None = None) -> Processed:
    """Apply a stored event to its order and create the notifications it makes due.

    Runs in one transaction, so a crash leaves the event unprocessed for the relay
    to pick up again; an already processed event is a no-op.
    """
    now = now or utcnow()
    with session.begin():
        ev = session.get(OrderEvent, event_id, with_for_update=True)
        if ev is None or ev.processed_at is not None:
            return Processed(ev.outcome or "done" if ev else "missing")
        shop = session.get(Shop, ev.shop_id)
        assert shop is not None
        data = OrderEventIn.from_json(ev.payload)
        adjusted = hooks.adjust_event(hooks.shop_view(shop), data)
        if adjusted is None:  # a per-client hook dropped it: stored, processed, no effect
            ev.processed_at, ev.outcome = now, "dropped"
            return Processed("dropped")
        data = adjusted
        order = _lock_order(session, shop.id, data)
        before = shown_estimate(order, data.shipment.id if data.shipment else None)
        had_tracking = catchup.tracked(order)
        outcome, notify, shipment_key = _apply(session, order, data)
        promises.keep(session, shop, order, data, now)
        ids: tuple[int, ...] = ()
        # an import of old orders (backfill) sets `silent`: it records progress, sends nothing
        if shop.active and not data.extra.get(SILENT):
            imported = bool(data.extra.get(BACKFILL))
            owed = not imported and catchup.confirmation_owed(session, order, notify)
            news = event_facts(order, data, before)
            ids = _plan_news(
                session, shop, order, notify, shipment_key, had_tracking, owed, now, news
            )
        ev.order_id, ev.processed_at, ev.outcome = order.id, now, outcome
    log.info(
        "event %s (%s %s): %s, %d message(s) due",
        ev.event_key,
        data.order_id,
        data.status,
        outcome,
        len(ids),
    )
    return Processed(outcome, ids)


def _lock_order(session: Session, shop_id: int, data: OrderEventIn) -> Order:
    session.execute(
        insert_ignore(session, Order).values(
            shop_id=shop_id,
            external_id=data.order_id,
            number=data.number or data.order_id,
            items=[],
            created_at=utcnow(),
            updated_at=utcnow(),
        )
    )
    return session.scalars(
        select(Order)
        .where(Order.shop_id == shop_id, Order.external_id == data.order_id)
        .with_for_update(of=Order)
        .execution_options(populate_existing=True)
    ).one()


def _apply(session: Session, order: Order, data: OrderEventIn) -> tuple[str, Status | None, str]:
    """Move the order (or one parcel) on; returns (outcome, status now due, shipment key)."""
    shipment = _shipment(session, order, data) if data.shipment else None
    status = data.status
    if status is None:
        _merge_facts(order, shipment, data, fresh=not _is_stale(order, shipment, data))
        return "facts", None, ""
    for_parcel = shipment is not None and (status in SHIPMENT_STATUSES or status in OVERLAYS)
    if for_parcel:
        assert shipment is not None
        current = _progress(
            shipment.status, shipment.status_at, shipment.overlay, shipment.overlay_at
        )
    else:
        # order-level news is judged against the whole order, parcels included, so a late
        # "placed" or "processing" never follows "delivered" and nothing is cancelled once shipped
        times = [t for t in (order.own_at, *(s.status_at for s in order.shipments)) if t]
        current = _progress(
            order.status or order.own_status,
            max(times, default=None),
            order.own_overlay,
            order.own_overlay_at,
        )
    t = advance(current, status, data.occurred_at)
    fresh = t.outcome not in (Outcome.STALE, Outcome.REJECTED)
    _merge_facts(order, shipment, data, fresh=fresh)
    p = t.progress
    if fresh and for_parcel:
        assert shipment is not None
        shipment.status, shipment.status_at = _value(p.status), p.at
        shipment.overlay, shipment.overlay_at = _value(p.overlay), p.overlay_at
    elif fresh:
        order.own_status, order.own_at = _value(p.status), p.at
        order.own_overlay, order.own_overlay_at = _value(p.overlay), p.overlay_at
    if t.outcome == Outcome.APPLIED and status not in OVERLAYS and not for_parcel:
        order.reason = data.reason or order.reason
    _derive(order)
    key = shipment.external_id if for_parcel and shipment is not None else ""
    if t.notify == Status.DELIVERED and order.status == Status.DELIVERED.value:
        # everything has arrived: the order's one delivered message (a parcel's is partial)
        key = ""
    return t.outcome.value, t.notify, key


def _shipment(session: Session, order: Order, data: OrderEventIn) -> Shipment:
    assert data.shipment is not None
    for s in order.shipments:
        if s.external_id == data.shipment.id:
            return s
    s = Shipment(shop_id=order.shop_id, external_id=data.shipment.id)
    order.shipments.append(s)
    session.flush()
    return s


def _is_stale(order: Order, shipment: Shipment | None, data: OrderEventIn) -> bool:
    last = shipment.status_at if shipment is not None else order.own_at
    return last is not None and data.occurred_at < last


def _merge_facts(order: Order, shipment: Shipment | None, data: OrderEventIn, fresh: bool) -> None:
    """Copy what the event knows; a stale event only fills gaps, never overwrites."""

    def put(obj: object, attr: str, value: object) -> None:
        if value is not None and value != [] and (fresh or getattr(obj, attr) in (None, [])):
            setattr(obj, attr, value)

    put(order, "number", data.number)
    put(order, "items", data.items)
    if data.items:
        put(order, "items_total", sum(int(i.get("quantity") or 1) for i in data.items))
    put(order, "total", data.total)
    put(order, "shipping_total", data.shipping_total)
    put(order, "currency", data.currency)
    put(order, "locale", data.locale or (data.customer.locale if data.customer else None))
    put(order, "estimated_delivery", data.estimated_delivery)
    if data.placed_at is not None:  # the platform's own time of the order beats any event's
        order.placed_at = data.placed_at
    elif data.status == Status.PLACED or order.placed_at is None:
        put(order, "placed_at", data.occurred_at)
    if data.customer is not None and (fresh or order.customer_id is None):
        order.customer = customer_for(order, data.customer)
    if data.customer is not None:
        put(order, "customer_name", data.customer.name)
    if shipment is not None and data.shipment is not None:
        info = data.shipment
        for attr in (
            "carrier",
            "tracking_number",
            "tracking_url",
            "estimated_delivery",
            "pickup_point",
            "items_count",
            "delivery_window",
        ):
            put(shipment, attr, getattr(info, attr))
        if fresh and data.status == Status.OUT_FOR_DELIVERY and info.delivery_window is None:
            shipment.delivery_window = None  # out again without a window: the old one is gone
    if data.status in OVERLAYS and fresh:
        order.reason = data.reason or order.reason


def _derive(order: Order) -> None:
    counts = [s.items_count for s in order.shipments]
    view = OrderView(
        own=_progress(order.own_status, order.own_at, order.own_overlay, order.own_overlay_at),
        shipments=[
            _progress(s.status, s.status_at, s.overlay, s.overlay_at) for s in order.shipments
        ],
        items_total=order.items_total if counts and None not in counts else None,
        items_shipped=sum(c or 0 for c in counts),
    )
    status, overlay = derive_status(view)
    order.status, order.overlay = _value(status), _value(overlay)


def _status(value: str | None) -> Status | None:
    return Status(value) if value else None


def _value(status: Status | None) -> str | None:
    return status.value if status else None


def _progress(
    status: str | None, at: datetime | None, overlay: str | None, overlay_at: datetime | None
) -> Progress:
    return Progress(_status(status), at, _status(overlay), overlay_at)


def _plan_news(
    session: Session,
    shop: Shop,
    order: Order,
    notify: Status | None,
    key: str,
    had_tracking: set[str],
    confirm: bool,
    now: datetime,
    news: dict[str, Any],
) -> tuple[int, ...]:
    """The messages this news makes due: its own, and what the shopper is still owed."""
    ids: list[int] = []
    if confirm:
        ids += _plan_notifications(session, shop, order, Status.PLACED, "", now, {})
    if notify is not None:
        ids += _plan_notifications(session, shop, order, notify, key, now, news)
    for parcel in catchup.newly_tracked(order, had_tracking):
        own = {p.channel for p in _due(session, shop, order, notify, now)} if notify else set()
        for p in _due(session, shop, order, Status.SHIPPED, now):
            told = (notify, key) if notify is not None and p.channel in own else None
            parcel_key = catchup.tracking_key(session, parcel, p.channel, told)
            if parcel_key is not None:
                ids += _insert(session, order, Status.SHIPPED, parcel_key, [p], now, news)
    return tuple(ids)


def plan_extra(
    session: Session,
    shop: Shop,
    order: Order,
    status: Status,
    shipment_key: str,
    news: dict[str, Any],
    now: datetime,
) -> list[int]:
    """Messages for news that is no status change (care's reminders), planned like any other.

    The same matrix, consent, opt-outs, quiet hours and hooks as a status's own message;
    `shipment_key` carries a "~mark" of its own, so it never collides with that message.
    """
    if not shop.active:
        return []
    return _insert(
        session, order, status, shipment_key, _due(session, shop, order, status, now), now, news
    )


def _due(
    session: Session, shop: Shop, order: Order, status: Status, now: datetime
) -> list[Planned]:
    customer = order.customer
    due = plan(
        policy_of(shop),
        status,
        now,
        reachable=reachable_channels(shop, customer),
        opted_out=opted_out_channels(session, shop.id, customer),
        shopper_tz=customer.timezone if customer else None,
    )
    view = hooks.shop_view(shop)
    return [
        p
        for p in due
        if not hooks.vetoed(
            view, hooks.HookMessage(p.channel, status.value, order.external_id, order.number)
        )
    ]


def _plan_notifications(
    session: Session,
    shop: Shop,
    order: Order,
    status: Status,
    shipment_key: str,
    now: datetime,
    news: dict[str, Any],
) -> list[int]:
    policy = policy_of(shop)
    due = _due(session, shop, order, status, now)
    ids = _insert(session, order, status, shipment_key, due, now, news)
    if status not in OVERLAYS and due and policy.debounce.total_seconds() > 0:
        channels = [p.channel for p in due]
        # the order's delivered message stands for its parcels' partial ones not yet sent
        everywhere = status == Status.DELIVERED and not shipment_key
        keys = None if everywhere else {shipment_key, ""}
        _supersede(session, order, keys, channels, ids, now - policy.debounce, now)
    return ids


def _insert(
    session: Session,
    order: Order,
    status: Status,
    shipment_key: str,
    due: list[Planned],
    now: datetime,
    news: dict[str, Any],
) -> list[int]:
    """One pending notification per due channel, unless that message exists already.

    `news` is what the event behind it said (its reason, a moved date): the message shows it.
    """
    ids = []
    for p in due:
        new_id = session.scalar(
            insert_ignore(session, Notification)
            .values(
                shop_id=order.shop_id,
                order_id=order.id,
                status=status.value,
                shipment_key=shipment_key,
                channel=p.channel,
                state=MessageState.PENDING,
                not_before=p.not_before,
                attempts=0,
                event_facts=news,
                created_at=now,
                updated_at=now,
            )
            .returning(Notification.id)
        )
        if new_id is not None:
            ids.append(new_id)
    return ids


def _supersede(
    session: Session,
    order: Order,
    keys: set[str] | None,
    channels: list[str],
    keep: list[int],
    since: datetime,
    now: datetime,
) -> None:
    """Debounce: a message not yet due, overtaken on its channel by newer news, is not sent.

    `keys` are the parcels (shipment keys) the news is about; None: all of the order's.
    """
    where = [
        Notification.shop_id == order.shop_id,
        Notification.order_id == order.id,
        Notification.state == MessageState.PENDING,
        Notification.not_before > now,
        Notification.created_at >= since,
        Notification.status != Status.PLACED.value,
        Notification.channel.in_(channels),
        Notification.id.not_in(keep),
    ]
    if keys is not None:
        where.append(Notification.shipment_key.in_(keys))
    session.execute(
        update(Notification).where(*where).values(state=MessageState.SUPERSEDED, updated_at=now)
    )
