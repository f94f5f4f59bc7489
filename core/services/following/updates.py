"""What a carrier's news does: events into the pipeline, scans into the history."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.carriers.base import ParcelUpdate, Scan
from core.carriers.schedule import PollPolicy
from core.domain.events import OrderEventIn
from core.storage.models import CarrierScan, FollowedParcel
from core.storage.upsert import insert_ignore

from ..deps import CarrierDeps
from ..ingest import ingest as ingest_events
from .config import pushes
from .events import digest, facts_event, facts_of, scan_event
from .states import ENDED, mark_found, mark_not_found

log = logging.getLogger(__name__)


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
            made = [scan_event(parcel, slug, scan, None) for scan in new[:-1]]
            facts = facts_of(update)
            if new:
                made.append(scan_event(parcel, slug, new[-1], update))
            elif facts and digest(facts) != digest(parcel.facts or {}):
                made.append(facts_event(parcel, slug, update, now))
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
                mark_not_found(parcel, now, policy)
                continue
            rows += [scan_row(parcel, scan, now) for scan in fresh.get(pid, [])]
            mark_found(parcel, update, now, policy, pushes=pushes(parcel.carrier))
        if rows:
            s.execute(insert_ignore(s, CarrierScan), rows)
        s.commit()
    log.info("%d parcel update(s): %d new event(s)", len(items), done.accepted)
    return done


def scan_row(parcel: FollowedParcel, scan: Scan, now: datetime) -> dict[str, Any]:
    """One scan as a `carrier_scans` row (cut to the columns' sizes)."""
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
