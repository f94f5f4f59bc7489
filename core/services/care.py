"""The care job: open orders looked at when due, and spoken for before anyone asks.

`care_tick` runs in `wismo scheduler` (and every few seconds in `wismo demo`):

1. `discover`: each shop's orders changed since its cursor (`ix_orders_shop_updated`) get
   a `care_watch` row due now;
2. the due rows (`ix_care_watch_due`, never a scan of all orders) are taken in batches;
   each order's parcels are assessed by the pure rules of `core/domain/care.py`;
3. each step due is stored once in `care_actions` (unique per order and step key) in the
   same transaction as its effect: a `delayed` event through `accept_event` (the one way
   in; processing is queued after the commit), or the shopper's message planned with the
   pipeline's own rules (quiet hours, consent, hooks), queued after the commit; a restart
   finds the step stored and does nothing twice;
4. the row's `next_care_at` becomes the next time any rule could fall due (None: closed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified

from core.domain import care as rules
from core.domain.care import Due, ParcelFacts, Step
from core.domain.events import OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.promise import Promise, re_estimate_after_delay
from core.queue import JobQueue
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import (
    CareAction,
    CareWatch,
    CarrierScan,
    FollowedParcel,
    Order,
    Shipment,
    Shop,
)
from core.storage.upsert import insert_ignore

from . import discounts, promises
from .ingest import enqueue_safely
from .pipeline import accept_event, plan_extra

log = logging.getLogger(__name__)
SOURCE = "care"
BATCH = 500
OVERLAP = timedelta(minutes=5)
"""How far each discovery looks back before the cursor (changes committed late)."""
FIRST_LOOK = timedelta(days=90)
"""On a shop's first tick, orders changed this recently are watched (older ones are done)."""
MARK = "~care-"
"""The shipment-key mark of care's own messages (after the parcel's id)."""


@dataclass(frozen=True)
class CareReport:
    """Orders newly watched, orders examined, steps taken, and messages and events queued."""

    discovered: int = 0
    examined: int = 0
    steps: int = 0
    queued: int = 0


def care_tick(
    sessions: sessionmaker[Session],
    queue: JobQueue,
    now: datetime | None = None,
    limit: int = 20_000,
    batch: int = BATCH,
) -> CareReport:
    """Watch newly changed orders, then examine up to `limit` due ones, batch by batch."""
    now = now or utcnow()
    found = discover(sessions, now)
    examined = steps = queued = 0
    last_id = 0
    while examined < limit:
        with sessions() as s:
            rows = s.execute(
                select(CareWatch.id, CareWatch.order_id)
                .where(CareWatch.next_care_at <= now, CareWatch.id > last_id)
                .order_by(CareWatch.id)
                .limit(min(batch, limit - examined))
            ).all()
            if not rows:
                break
            last_id = rows[-1][0]
            took, jobs = _examine(s, [r[1] for r in rows], now)
        for job, ident in jobs:
            if job == "process_event":
                enqueue_safely(queue, ident)
            else:
                _enqueue(queue, job, ident)
        examined += len(rows)
        steps += took
        queued += len(jobs)
    return CareReport(found, examined, steps, queued)


def discover(sessions: sessionmaker[Session], now: datetime) -> int:
    """Make every order changed since it was last looked at due now; returns how many.

    Each shop's cursor trails `now` by OVERLAP, so an order whose change committed late
    (its `updated_at` written before this tick's read) is still found next time; an order
    looked at after its last change is left as it is.
    """
    total = 0
    with sessions() as s:
        shop_ids = s.scalars(select(Shop.id).where(Shop.active.is_(True))).all()
    for shop_id in shop_ids:
        with sessions() as s, s.begin():
            shop = s.get_one(Shop, shop_id, with_for_update=True)
            cursor = (shop.state or {}).get("care_cursor")
            since = datetime.fromisoformat(cursor) - OVERLAP if cursor else now - FIRST_LOOK
            changed = s.execute(
                select(Order.id, Order.updated_at).where(
                    Order.shop_id == shop_id, Order.updated_at > since, Order.updated_at <= now
                )
            ).all()
            for chunk in _chunks(changed, 1000):
                ids = [i for i, _ in chunk]
                checked = dict(
                    s.execute(
                        select(CareWatch.order_id, CareWatch.checked_at).where(
                            CareWatch.order_id.in_(ids)
                        )
                    ).all()
                )
                new = [i for i in ids if i not in checked]
                stale = [i for i, at in chunk if i in checked and _before(checked[i], at)]
                if new:
                    s.execute(
                        insert_ignore(s, CareWatch).values(
                            [{"shop_id": shop_id, "order_id": i, "next_care_at": now} for i in new]
                        )
                    )
                if stale:
                    s.execute(
                        update(CareWatch)
                        .where(CareWatch.order_id.in_(stale))
                        .values(next_care_at=now)
                    )
                total += len(new) + len(stale)
            shop.state = {**(shop.state or {}), "care_cursor": now.isoformat()}
            flag_modified(shop, "state")
    return total


def _before(checked: datetime | None, changed: datetime) -> bool:
    return checked is None or checked < changed


def _chunks(rows: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _enqueue(queue: JobQueue, job: str, ident: int) -> None:
    try:
        queue.enqueue(job, ident)
    except Exception as exc:  # committed: the relay re-enqueues due messages
        log.warning("could not enqueue %s %s (%s); the relay will", job, ident, exc)


def _examine(s: Session, order_ids: list[int], now: datetime) -> tuple[int, list[tuple[str, int]]]:
    """Assess and act on a batch of orders in one transaction; (steps taken, jobs to queue)."""
    orders = s.scalars(select(Order).where(Order.id.in_(order_ids))).unique().all()
    done = _done_keys(s, order_ids)
    scans = _last_scans(s, order_ids)
    shops: dict[int, Shop] = {}
    jobs: list[tuple[str, int]] = []
    next_at: dict[int, datetime | None] = {i: None for i in order_ids}
    steps = 0
    for order in orders:
        shop = shops.get(order.shop_id) or s.get_one(Shop, order.shop_id)
        shops[shop.id] = shop
        config = care_rules(shop)
        tz = _zone(shop, order)
        result = rules.assess(facts_of(order, scans), config, now, done.get(order.id, ()), tz)
        next_at[order.id] = result.next_at
        for due in result.due if shop.active else ():
            taken = _take(s, shop, order, due, now)
            if taken is not None:
                steps += 1
                jobs += taken
    for when in set(next_at.values()):
        ids = [i for i, at in next_at.items() if at == when]
        s.execute(
            update(CareWatch)
            .where(CareWatch.order_id.in_(ids))
            .values(next_care_at=when, checked_at=now)
        )
    s.commit()
    return steps, jobs


def _zone(shop: Shop, order: Order) -> str:
    return (order.customer.timezone if order.customer else None) or settings_of(shop).timezone


def _done_keys(s: Session, order_ids: list[int]) -> dict[int, set[str]]:
    done: dict[int, set[str]] = {}
    for order_id, key in s.execute(
        select(CareAction.order_id, CareAction.key).where(CareAction.order_id.in_(order_ids))
    ):
        done.setdefault(order_id, set()).add(key)
    return done


Scans = dict[int, tuple[str | None, datetime | None, str | None]]


def _last_scans(s: Session, order_ids: list[int]) -> Scans:
    """Per followed shipment id: its carrier's slug, latest scan time and reason."""
    rows = s.execute(
        select(
            FollowedParcel.shipment_id,
            FollowedParcel.id,
            FollowedParcel.carrier,
            FollowedParcel.created_at,
        )
        .join(Shipment, Shipment.id == FollowedParcel.shipment_id)
        .where(Shipment.order_id.in_(order_ids), FollowedParcel.carrier.is_not(None))
    ).all()
    if not rows:
        return {}
    by_parcel = {parcel: (shipment, slug) for shipment, parcel, slug, _ in rows}
    out: Scans = {shipment: (slug, created, None) for shipment, _, slug, created in rows}
    latest = (
        select(CarrierScan.parcel_id, func.max(CarrierScan.occurred_at).label("at"))
        .where(CarrierScan.parcel_id.in_(by_parcel))
        .group_by(CarrierScan.parcel_id)
        .subquery()
    )
    for parcel, at, reason in s.execute(
        select(latest.c.parcel_id, latest.c.at, CarrierScan.reason).join(
            CarrierScan,
            (CarrierScan.parcel_id == latest.c.parcel_id)
            & (CarrierScan.occurred_at == latest.c.at),
        )
    ):
        shipment, slug = by_parcel[parcel]
        out[shipment] = (slug, at, reason)
    return out


def facts_of(order: Order, scans: Scans) -> list[ParcelFacts]:
    """What care needs of an order: each parcel, or the order itself before any parcel."""
    if not order.shipments or not any(p.status for p in order.shipments):
        return [
            ParcelFacts(
                key="",
                status=_status(order.status),
                status_at=order.own_at,
                overlay=_status(order.own_overlay),
                overlay_at=order.own_overlay_at,
                estimated=order.estimated_delivery,
            )
        ]
    out = []
    for p in order.shipments:
        if not p.status:
            continue
        followed = p.id in scans
        slug, last, reason = scans.get(p.id, (None, None, None))
        point = p.pickup_point or {}
        out.append(
            ParcelFacts(
                key=p.external_id,
                status=_status(p.status),
                status_at=p.status_at,
                overlay=_status(p.overlay),
                overlay_at=p.overlay_at,
                carrier=slug or p.carrier,
                estimated=p.estimated_delivery or order.estimated_delivery,
                last_scan_at=last,
                followed=followed,
                keep_until=_day(point.get("keep_until")),
                reason=reason,
            )
        )
    return out


def _status(value: str | None) -> Status | None:
    return Status(value) if value else None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def care_rules(shop: Shop) -> rules.CareRules:
    """The shop's care rules, from its settings (`care`)."""
    c = settings_of(shop).care
    return rules.CareRules(
        late=c.late.on,
        late_grace_hours=c.late.hours,
        stalled=c.stalled.on,
        stalled_hours=c.stalled.hours,
        stalled_carriers=dict(c.stalled_carriers),
        stalled_tell_hours=c.stalled_tell_hours,
        pickup=c.pickup.on,
        pickup_first_hours=c.pickup.hours,
        pickup_last_hours=c.pickup_last_hours,
        problem=c.problem.on,
        problem_tell_hours=c.problem.hours,
    )


TELLS: dict[tuple[str, Step], Status] = {
    (rules.STALLED, Step.TELL): Status.DELAYED,
    (rules.PICKUP, Step.FIRST): Status.READY_FOR_PICKUP,
    (rules.PICKUP, Step.LAST): Status.READY_FOR_PICKUP,
}
"""The message status of each shopper-facing step (problems: the parcel's own)."""


def _take(
    s: Session, shop: Shop, order: Order, due: Due, now: datetime
) -> list[tuple[str, int]] | None:
    """Store the step once and do it; the jobs to queue after the commit, None if done before."""
    detail: dict[str, Any] = {"cause": due.cause, "due_at": due.at.isoformat()}
    parcel = next((p for p in order.shipments if p.external_id == due.parcel), None)
    if due.rule == rules.PROBLEM:
        facts = [f for f in facts_of(order, _last_scans(s, [order.id])) if f.key == due.parcel]
        detail["problem"] = rules.problem_of(facts[0]) if facts else "exception"
    code = None
    new: Promise | None = None
    if due.rule == rules.LATE:
        new = _new_estimate(s, shop, order, parcel, date.fromisoformat(due.cause), now)
        detail["previous_estimate"] = due.cause
        detail["new_estimate"] = new.latest.isoformat()
        code = discounts.code_for_delay(s, shop, order, due, new.latest)
        if code is not None:
            detail["discount_code"] = code
    care: dict[str, Any] = {"rule": due.rule, "step": due.step.value, **detail}
    new_id = s.scalar(
        insert_ignore(s, CareAction)
        .values(
            shop_id=shop.id,
            order_id=order.id,
            key=due.key,
            rule=due.rule,
            step=due.step.value,
            parcel=due.parcel,
            detail=detail,
            discount_code=code,
            created_at=now,
        )
        .returning(CareAction.id)
    )
    if new_id is None:
        return None
    if due.step == Step.DELAY and new is not None:
        if parcel is None:  # the order's own range, recorded with its cause; the event's news
            promises.record_change(s, order, new, now, None, {"rule": rules.LATE})
        event = _delayed_event(order, parcel, due, new.latest, care, now)
        accepted = accept_event(s, shop.id, event, now)  # commits the step with the event
        return [] if accepted.duplicate else [("process_event", accepted.event_id)]
    if due.step == Step.FLAG:
        return []
    status = TELLS.get((due.rule, due.step))
    if status is None:  # a problem's next steps: on the parcel's own message kind
        p = detail.get("problem")
        status = Status.ATTEMPTED_DELIVERY if p == "attempted" else Status.EXCEPTION
    # the stall's apology shares the delay's key: whichever comes first, the shopper hears once
    key = due.parcel if due.rule == rules.STALLED else f"{due.parcel}{MARK}{due.rule}-{due.step}"
    ids = plan_extra(
        s, shop, order, status, key[:100], {"care": care, "occurred_at": now.isoformat()}, now
    )
    return [("deliver", i) for i in ids]


def _new_estimate(
    s: Session, shop: Shop, order: Order, parcel: Shipment | None, promised: date, now: datetime
) -> Promise:
    """The new range a delay promises: the promise engine's, from the range that passed."""
    facts = promises.facts_of(shop, order, parcel)
    settings = promises.promise_settings(shop, promises.learned_figures(s, shop, facts.carrier))
    last = promises.current(s, order)
    if last is not None and last.latest == promised:
        previous = Promise(last.earliest, last.latest, last.cause)
    else:
        previous = Promise(promised, promised, "computed")
    return re_estimate_after_delay(previous, facts, settings, now)


def _delayed_event(
    order: Order,
    parcel: Shipment | None,
    due: Due,
    new: date,
    care: dict[str, Any],
    now: datetime,
) -> OrderEventIn:
    """The `delayed` event care sends through the one way in: its key names order and cause."""
    return OrderEventIn(
        event_key=f"{SOURCE}:late:{order.external_id}:{due.parcel}:{due.cause}"[:200],
        source=SOURCE,
        order_id=order.external_id,
        occurred_at=now,
        status=Status.DELAYED,
        shipment=ShipmentInfo(id=parcel.external_id, estimated_delivery=new) if parcel else None,
        extra={"care": care},
    )
