"""Following parcels: which parcels are followed, and what a carrier's news does to them.

`discover` starts following each shipment that has a tracking number; `apply_updates`
turns a carrier's `ParcelUpdate`s (polled or pushed) into canonical events and stores the
scans; `ingest` is the one way those events enter the pipeline. Event keys come from the
carrier's own scan identity, so the same scan polled twice, pushed and polled, or read
out of order is accepted once and judged by the state machine like any other event.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from core.carriers.base import ParcelUpdate, PickupPoint, Scan
from core.carriers.detect import detect, is_fallback
from core.carriers.schedule import PollPolicy, next_check
from core.domain.events import OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.plugins import CARRIERS, load_plugins
from core.shop_settings import settings_of
from core.storage.models import CarrierScan, FollowedParcel, Order, Shipment, Shop
from core.storage.upsert import insert_ignore

from .deps import CarrierDeps
from .ingest import ingest as ingest_events

log = logging.getLogger(__name__)
SOURCE = "carrier"  # order_events.source of every event a carrier's news makes
ACTIVE = "active"
UNRECOGNISED = "unrecognised"
NOT_FOUND = "not_found"
ENDED = "ended"
FOLLOWED = (ACTIVE, UNRECOGNISED, NOT_FOUND)
DISCOVER_BATCH = 5000  # most shipments newly followed per tick


def carrier_classes() -> dict[str, Any]:
    """The installed carriers (`wismo.carriers` plug-ins), by slug."""
    return {n: obj for n, obj in load_plugins(CARRIERS).loaded.items() if isinstance(obj, type)}


def carrier_config(c: CarrierDeps, shop: Shop, slug: str) -> dict[str, Any] | None:
    """The shop's settings for a carrier with its secrets opened; None when not connected.

    Shop settings hold `carriers: [{carrier: slug, ...fields}]`; the sealed secrets hold
    `carriers: {slug: {secret fields}}`. A carrier that asks for nothing needs no entry.
    """
    entries = [e.config() for e in settings_of(shop).carriers]
    secrets = c.box.open(shop.secrets).get("carriers") or {}
    return _config(slug, entries, secrets, carrier_classes().get(slug))


def connected_carriers(c: CarrierDeps, shop: Shop, carriers: Mapping[str, Any]) -> set[str]:
    """The slugs of the installed carriers this shop has connected (detection asks them first)."""
    entries = [e.config() for e in settings_of(shop).carriers]
    secrets = c.box.open(shop.secrets).get("carriers") or {}
    return {s for s, cls in carriers.items() if _config(s, entries, secrets, cls) is not None}


def _config(
    slug: str, entries: list[dict[str, Any]], secrets: Mapping[str, Any], cls: Any
) -> dict[str, Any] | None:
    entry = next((e for e in entries if e.get("carrier") == slug), None)
    mine = secrets.get(slug) or {}
    needs = [f.name for f in getattr(cls.metadata, "fields", ()) if f.required] if cls else []
    if entry is None and not mine and needs:
        return None
    config = {k: v for k, v in (entry or {}).items() if k != "carrier"}
    config.update(mine)
    if entry is not None and entry.get("enabled") is False:
        return None
    return config


def credentials_key(slug: str, config: Mapping[str, Any]) -> str:
    """Parcels whose shops share a carrier account are asked about together."""
    raw = json.dumps(config, sort_keys=True, default=str)
    return f"{slug}:{hashlib.sha256(raw.encode()).hexdigest()[:16]}"


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


@dataclass(frozen=True)
class Applied:
    """What a carrier's updates did: events new to the pipeline, and repeats."""

    accepted: int = 0
    duplicates: int = 0


def apply_update(
    c: CarrierDeps, parcel_id: int, update: ParcelUpdate, now: datetime, policy: PollPolicy
) -> Applied:
    """One parcel's update (see `apply_updates`)."""
    return apply_updates(c, [(parcel_id, update)], now, policy)


def apply_updates(
    c: CarrierDeps,
    items: Sequence[tuple[int, ParcelUpdate]],
    now: datetime,
    policy: PollPolicy,
) -> Applied:
    """A batch of parcels' updates: events into the pipeline, scans stored, next checks planned.

    The events are accepted (committed) before the scans are stored, so a crash between the
    two only makes the next poll offer the same events again, which the pipeline dedupes.
    """
    ids = [pid for pid, _ in items]
    events: dict[int, list[OrderEventIn]] = {}
    fresh: dict[int, list[Scan]] = {}
    with c.session() as s:
        parcels = {
            p.id: p for p in s.scalars(select(FollowedParcel).where(FollowedParcel.id.in_(ids)))
        }
        known: dict[int, set[str]] = {}
        for pid, scan_id in s.execute(
            select(CarrierScan.parcel_id, CarrierScan.scan_id).where(CarrierScan.parcel_id.in_(ids))
        ):
            known.setdefault(pid, set()).add(scan_id)
        for pid, update in items:
            parcel = parcels.get(pid)
            if parcel is None or parcel.state == ENDED or not update.found:
                continue
            slug = parcel.carrier or ""
            new = [scan for scan in update.scans if scan.scan_id not in known.get(pid, set())]
            made = [_event(parcel, slug, scan, None) for scan in new[:-1]]
            facts = _facts(update)
            if new:
                made.append(_event(parcel, slug, new[-1], update))
            elif facts and _digest(facts) != _digest(parcel.facts or {}):
                made.append(_facts_event(parcel, slug, update, now))
            events.setdefault(parcel.shop_id, []).extend(e for e in made if e is not None)
            fresh[pid] = new
        s.rollback()
    done = Applied()
    for shop_id, shop_events in events.items():
        got = ingest(c, shop_id, shop_events)
        done = Applied(done.accepted + got.accepted, done.duplicates + got.duplicates)
    with c.session() as s:
        parcels = {
            p.id: p for p in s.scalars(select(FollowedParcel).where(FollowedParcel.id.in_(ids)))
        }
        rows = []
        for pid, update in items:
            parcel = parcels.get(pid)
            if parcel is None or parcel.state == ENDED:
                continue
            if not update.found:
                _not_found(parcel, now, policy)
                continue
            rows += [_scan_row(parcel, scan, now) for scan in fresh.get(pid, [])]
            _found(parcel, update, now, policy, pushes=_pushes(parcel.carrier))
        if rows:
            s.execute(insert_ignore(s, CarrierScan), rows)
        s.commit()
    log.info("%d parcel update(s): %d new event(s)", len(items), done.accepted)
    return done


def _scan_row(parcel: FollowedParcel, scan: Scan, now: datetime) -> dict[str, Any]:
    return {
        "shop_id": parcel.shop_id,
        "parcel_id": parcel.id,
        "scan_id": scan.scan_id[:100],
        "occurred_at": scan.occurred_at,
        "code": scan.code[:40],
        "description": scan.description,
        "status": scan.status.value if scan.status else None,
        "location": (scan.location or "")[:200] or None,
        "reason": (scan.reason or "")[:40] or None,
        "created_at": now,
    }


def ingest(c: CarrierDeps, shop_id: int, events: Sequence[OrderEventIn]) -> Applied:
    """Carrier news into the pipeline through the one way in (store once, commit, queue)."""
    with c.session() as s:
        result = ingest_events(s, c.queue, shop_id, events)
    return Applied(result.accepted, result.duplicates)


def _pushes(slug: str | None) -> bool:
    cls = carrier_classes().get(slug or "")
    return bool(cls is not None and cls.metadata.pushes)


def _found(
    parcel: FollowedParcel,
    update: ParcelUpdate,
    now: datetime,
    policy: PollPolicy,
    pushes: bool = False,
) -> None:
    parcel.state = ACTIVE
    parcel.failures, parcel.last_error = 0, None
    parcel.not_found_since = parcel.flagged_at = None
    parcel.last_checked_at = parcel.last_success_at = now
    if update.status is not None:
        parcel.status = update.status.value
    parcel.facts = _facts(update)
    if update.final and parcel.final_at is None:
        parcel.final_at = now
    if parcel.final_at is not None and now >= parcel.final_at + policy.after_final:
        parcel.state, parcel.ended_at, parcel.next_check_at = ENDED, now, None
        return
    due = update.estimated_delivery is not None and update.estimated_delivery <= now.date()
    at = next_check(policy, parcel.status, now, estimate_due=due)
    if pushes:  # its pushes bring the news: polling only catches what a push lost
        at = now + (at - now) * policy.push_stretch
    if parcel.final_at is not None:
        at = min(at, parcel.final_at + policy.after_final)
    parcel.next_check_at = at


def _not_found(parcel: FollowedParcel, now: datetime, policy: PollPolicy) -> None:
    parcel.last_checked_at = now
    parcel.failures, parcel.last_error = 0, None
    others = _others(parcel)
    fallback = bool(others) and is_fallback(carrier_classes().get(others[0]))
    # an ambiguous number: try the next carrier; a named one goes only to the fallback
    if others and (parcel.detected_by != "name" or fallback):
        parcel.carrier, rest = others[0], others[1:]
        parcel.candidates = rest
        parcel.detected_by = "fallback" if fallback else parcel.detected_by
        parcel.not_found_since = parcel.not_found_since or now  # the 48 h count from here
        parcel.next_check_at = now
        return
    parcel.not_found_since = parcel.not_found_since or now
    waited = now - parcel.not_found_since
    parcel.state = NOT_FOUND
    if waited >= policy.flag_after and parcel.flagged_at is None:
        parcel.flagged_at = now
    if waited >= policy.give_up_after:
        parcel.state, parcel.ended_at, parcel.next_check_at = ENDED, now, None
        return
    parcel.next_check_at = now + policy.not_found


def _others(parcel: FollowedParcel) -> list[str]:
    return [str(x) for x in parcel.candidates or []]


def _facts(update: ParcelUpdate) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if update.estimated_delivery:
        facts["estimate"] = update.estimated_delivery.isoformat()
    if update.pickup_point is not None:
        facts["pickup"] = pickup_dict(update.pickup_point)
    if update.delivery_window is not None:
        facts["window"] = window_dict(update.delivery_window)
    return facts


def _digest(facts: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]


def pickup_dict(point: PickupPoint) -> dict[str, Any]:
    """A carrier's pickup point as shipments keep it (and the tracking page reads it)."""
    out: dict[str, Any] = {"name": point.name, "address": point.address, "kind": point.kind}
    if point.hours:
        out["hours"] = point.hours
    if len(point.schedule) == 7:
        out["schedule"] = list(point.schedule)
    if point.deadline:
        out["keep_until"] = point.deadline.isoformat()
    return out


def window_dict(window: tuple[datetime, datetime]) -> dict[str, str]:
    """A carrier's delivery window as shipments keep it: ISO instants `from` and `to`."""
    return {"from": window[0].isoformat(), "to": window[1].isoformat()}


def _shipment(
    parcel: FollowedParcel, update: ParcelUpdate | None, status: Status | None
) -> ShipmentInfo:
    estimate: date | None = update.estimated_delivery if update else None
    point = update.pickup_point if update else None
    window = update.delivery_window if update else None
    return ShipmentInfo(
        id=parcel.shipment_external_id,
        estimated_delivery=estimate,
        pickup_point=pickup_dict(point)
        if point and status in (Status.READY_FOR_PICKUP, None)
        else None,
        delivery_window=window_dict(window)
        if window and status in (Status.OUT_FOR_DELIVERY, None)
        else None,
    )


def _event(
    parcel: FollowedParcel, slug: str, scan: Scan, update: ParcelUpdate | None
) -> OrderEventIn | None:
    """The event one scan makes; the newest carries the parcel's facts (estimate, branch)."""
    shipment = _shipment(parcel, update, scan.status)
    has_facts = any(
        v is not None
        for v in (shipment.estimated_delivery, shipment.pickup_point, shipment.delivery_window)
    )
    if scan.status is None and not has_facts:
        return None  # nothing for the shopper: kept in the history only
    return OrderEventIn(
        event_key=_key(parcel, slug, scan.scan_id),
        source=SOURCE,
        order_id=parcel.order_external_id,
        occurred_at=scan.occurred_at,
        status=scan.status,
        shipment=shipment,
        extra={
            "carrier": slug,
            "scan": {
                "code": scan.code,
                "description": scan.description[:500],
                "location": scan.location,
                "reason": scan.reason,
            },
        },
    )


def _key(parcel: FollowedParcel, slug: str, scan: str) -> str:
    """The carrier's scan identity for this shipment: a waybill on two orders makes two keys."""
    whose = f"{parcel.order_external_id}\n{parcel.shipment_external_id}"
    digest = hashlib.sha256(whose.encode()).hexdigest()[:12]
    return f"{SOURCE}:{slug}:{digest}:{parcel.number[:60]}:{scan}"[:200]


def _facts_event(
    parcel: FollowedParcel, slug: str, update: ParcelUpdate, now: datetime
) -> OrderEventIn:
    """A facts-only event: the carrier moved its estimate or the branch, with no new scan."""
    digest = _digest(_facts(update))
    return OrderEventIn(
        event_key=_key(parcel, slug, f"facts:{digest}"),
        source=SOURCE,
        order_id=parcel.order_external_id,
        occurred_at=now,
        shipment=_shipment(parcel, update, None),
        extra={"carrier": slug},
    )


def find_parcels(
    session: Session, shop_id: int, numbers: Iterable[str], slug: str | None = None
) -> dict[str, list[int]]:
    """Followed parcels of a shop by number (a push names numbers, not our ids)."""
    wanted = list(dict.fromkeys(numbers))
    if not wanted:
        return {}
    q = select(FollowedParcel.number, FollowedParcel.id).where(
        FollowedParcel.shop_id == shop_id,
        FollowedParcel.number.in_(wanted),
        FollowedParcel.state != ENDED,
    )
    if slug is not None:
        q = q.where(FollowedParcel.carrier == slug)
    found: dict[str, list[int]] = {}
    for number, parcel_id in session.execute(q).all():
        found.setdefault(number, []).append(parcel_id)
    return found
