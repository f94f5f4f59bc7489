"""The polling tick the scheduler runs: ask each carrier about the parcels that are due.

Due parcels are grouped by carrier and by set of credentials, asked about in batches of
the carrier's `batch_size`, each group no faster than its `rate_limit` and no more than
`rate_limit × tick_seconds` requests per tick (the rest stay due for the next tick). A
timeout, a 5xx or a refusal backs the batch off and keeps everything as it was: nothing
is lost, the same parcels are asked about again later.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.carriers import numbers
from core.carriers.base import (
    CarrierAuthError,
    CarrierContext,
    CarrierError,
    Parcel,
    TransientCarrierError,
)
from core.carriers.detect import Detected, detect
from core.carriers.schedule import PollPolicy, backoff
from core.errors import ConfigError
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Customer, FollowedParcel, Order, Shipment, Shop

from . import following as f
from .deps import CarrierDeps

log = logging.getLogger(__name__)
DUE_BATCH = 20_000  # most parcels looked at in one tick


@dataclass
class PollReport:
    """What one tick did."""

    discovered: int = 0
    requests: int = 0
    parcels: int = 0
    accepted: int = 0
    failed_batches: int = 0
    deferred: int = 0  # due, but beyond this tick's rate budget
    by_group: dict[str, int] = field(default_factory=dict)  # requests per credentials set


@dataclass
class _Group:
    slug: str
    carrier: Any  # the built Carrier
    rate: float
    batch: int
    parcels: list[tuple[int, Parcel]] = field(default_factory=list)


def poll_tick(
    c: CarrierDeps,
    now: datetime | None = None,
    policy: PollPolicy | None = None,
    tick_seconds: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    timeout: float = 10.0,
) -> PollReport:
    """Discover new parcels, then ask the carriers about every parcel that is due."""
    now = now or utcnow()
    policy = policy or PollPolicy()
    report = PollReport()
    with c.session() as s:
        report.discovered = f.discover(c, s, now, policy)
        groups = _due_groups(c, s, now, policy, timeout)
    _ask(c, groups, now, policy, tick_seconds, clock, sleep, report)
    return report


def _due_groups(
    c: CarrierDeps, s: Any, now: datetime, policy: PollPolicy, timeout: float
) -> list[_Group]:
    carriers = f.carrier_classes()
    rows = s.execute(
        select(FollowedParcel, Customer.phone, Shop, Shipment.carrier)
        .join(Shipment, Shipment.id == FollowedParcel.shipment_id)
        .join(Order, Order.id == Shipment.order_id)
        .outerjoin(Customer, Customer.id == Order.customer_id)
        .join(Shop, Shop.id == FollowedParcel.shop_id)
        .where(
            FollowedParcel.state.in_(f.FOLLOWED),
            FollowedParcel.next_check_at <= now,
            Shop.active.is_(True),
        )
        .order_by(FollowedParcel.next_check_at)
        .limit(DUE_BATCH)
    ).all()
    groups: dict[str, _Group] = {}
    configs: dict[tuple[int, str], dict[str, Any] | None] = {}
    connected: dict[int, set[str]] = {}
    context = CarrierContext(now=utcnow, timeout=timeout)
    for parcel, phone, shop, named in rows:
        if shop.id not in connected:
            connected[shop.id] = f.connected_carriers(c, shop, carriers)
        ours = connected[shop.id]
        if parcel.carrier is None or parcel.carrier not in carriers:
            _redetect(parcel, named, settings_of(shop).country, carriers, now, policy, ours)
            continue
        key = (shop.id, parcel.carrier)
        if key not in configs:
            configs[key] = f.carrier_config(c, shop, parcel.carrier)
        config = configs[key]
        if config is None:  # the shop has not connected this carrier (yet)
            found = detect(named, parcel.number, carriers, settings_of(shop).country, ours)
            if found.carrier in ours:  # it has since connected one that can take it
                _take(parcel, found, now)
                continue
            parcel.next_check_at, parcel.last_error = now + policy.unconnected, "not connected"
            continue
        cred = f.credentials_key(parcel.carrier, config)
        if cred not in groups:
            cls = carriers[parcel.carrier]
            try:
                built = cls.from_config(config, context)
            except ConfigError as exc:
                parcel.next_check_at, parcel.last_error = now + policy.unconnected, str(exc)
                configs[key] = None
                continue
            meta = cls.metadata
            groups[cred] = _Group(
                parcel.carrier, built, max(meta.rate_limit, 0.001), max(meta.batch_size, 1)
            )
        shipped = parcel.created_at
        groups[cred].parcels.append(
            (parcel.id, Parcel(parcel.number, phone=phone, shipped_at=shipped))
        )
    s.commit()
    return list(groups.values())


def _redetect(
    parcel: FollowedParcel,
    named: str | None,
    country: str | None,
    carriers: dict[str, Any],
    now: datetime,
    policy: PollPolicy,
    connected: set[str] | None = None,
) -> None:
    """A number no installed carrier took: try again (a carrier may have been installed)."""
    found = detect(named, parcel.number, carriers, country, connected)
    if found.carrier is not None:
        _take(parcel, found, now)
        return
    parcel.state = f.UNRECOGNISED
    if now - parcel.created_at >= policy.flag_after and parcel.flagged_at is None:
        parcel.flagged_at = now  # the merchant's attention list shows it
    if now - parcel.created_at >= policy.give_up_after:
        parcel.ended_at, parcel.next_check_at = now, None  # still listed for the merchant
        return
    parcel.next_check_at = now + policy.unrecognised


def _take(parcel: FollowedParcel, found: Detected, now: datetime) -> None:
    """Follow the parcel at the carrier detection found, from now."""
    parcel.carrier, parcel.detected_by = found.carrier, found.how
    parcel.candidates = list(found.others)
    parcel.state, parcel.next_check_at, parcel.last_error = f.ACTIVE, now, None


def _ask(
    c: CarrierDeps,
    groups: list[_Group],
    now: datetime,
    policy: PollPolicy,
    tick_seconds: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    report: PollReport,
) -> None:
    """Round-robin over the groups, each paced by its own rate limit."""
    queues: dict[int, list[list[tuple[int, Parcel]]]] = defaultdict(list)
    budget: dict[int, int] = {}
    ready: dict[int, float] = {}
    for i, g in enumerate(groups):
        queues[i] = [g.parcels[k : k + g.batch] for k in range(0, len(g.parcels), g.batch)]
        budget[i] = max(1, int(g.rate * tick_seconds))
        ready[i] = clock()
    while any(queues[i] and budget[i] > 0 for i in queues):
        i = min((i for i in queues if queues[i] and budget[i] > 0), key=lambda k: ready[k])
        g = groups[i]
        wait = ready[i] - clock()
        if wait > 0:
            sleep(wait)
        batch = queues[i].pop(0)
        budget[i] -= 1
        ready[i] = clock() + 1.0 / g.rate
        report.requests += 1
        report.by_group[f"{g.slug}#{i}"] = report.by_group.get(f"{g.slug}#{i}", 0) + 1
        if not _ask_batch(c, g, batch, now, policy, report):
            queues[i] = []  # the carrier is failing: leave the rest due, ask later
    report.deferred = sum(len(b) for q in queues.values() for b in q)


def _ask_batch(
    c: CarrierDeps,
    g: _Group,
    batch: list[tuple[int, Parcel]],
    now: datetime,
    policy: PollPolicy,
    report: PollReport,
) -> bool:
    ids = [pid for pid, _ in batch]
    try:
        updates = g.carrier.track([p for _, p in batch])
    except TransientCarrierError as exc:
        _failed(c, ids, now, policy, str(exc), exc.retry_after)
        report.failed_batches += 1
        return False
    except CarrierAuthError as exc:
        _failed(c, ids, now, policy, str(exc), policy.auth_retry.total_seconds())
        report.failed_batches += 1
        return False
    except (CarrierError, Exception) as exc:  # a plug-in's bug must not stop the tick
        log.exception("carrier %s failed on a batch of %d", g.slug, len(batch))
        _failed(c, ids, now, policy, f"{type(exc).__name__}: {exc}", None)
        report.failed_batches += 1
        return False
    # matched on the one normal form: a carrier may answer "RR123456785UA" for "RR 123…"
    by_number = {numbers.clean(u.number): u for u in updates}
    answered = [
        (pid, by_number[k]) for pid, p in batch if (k := numbers.clean(p.number)) in by_number
    ]
    missing = [pid for pid, p in batch if numbers.clean(p.number) not in by_number]
    if missing:  # not answered for: asked again next time, as after a failure
        _failed(c, missing, now, policy, "the carrier did not answer for this number", None)
    try:
        done = f.apply_updates(c, answered, now, policy)
    except Exception:  # one bad record must not spoil its batch: apply them one by one
        log.exception("applying a batch of %s updates failed; one by one now", g.slug)
        done = f.Applied()
        for pid, update in answered:
            try:
                one = f.apply_update(c, pid, update, now, policy)
            except Exception as exc:
                log.exception("applying the carrier's update to parcel %s failed", pid)
                _failed(c, [pid], now, policy, f"{type(exc).__name__}: {exc}", None)
                continue
            done = f.Applied(done.accepted + one.accepted, done.duplicates + one.duplicates)
    report.parcels += len(answered)
    report.accepted += done.accepted
    return True


def _failed(
    c: CarrierDeps,
    ids: list[int],
    now: datetime,
    policy: PollPolicy,
    error: str,
    retry_after: float | None,
) -> None:
    """Back off, keep everything else: the same parcels are asked about later."""
    with c.session() as s:
        for parcel in s.scalars(select(FollowedParcel).where(FollowedParcel.id.in_(ids))):
            parcel.failures = (parcel.failures or 0) + 1
            parcel.last_error = error[:500]
            parcel.last_checked_at = now
            parcel.next_check_at = backoff(policy, parcel.failures, now, retry_after)
        s.commit()
