"""The canonical events a carrier's scans and facts make, keyed by the carrier's identity."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from core.carriers.base import ParcelUpdate, PickupPoint, Scan
from core.domain.events import OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.storage.models import FollowedParcel

SOURCE = "carrier"  # order_events.source of every event a carrier's news makes


def facts_of(update: ParcelUpdate) -> dict[str, Any]:
    """What the carrier says beyond its scans: its estimate, the pickup point, the window."""
    facts: dict[str, Any] = {}
    if update.estimated_delivery:
        facts["estimate"] = update.estimated_delivery.isoformat()
    if update.pickup_point is not None:
        facts["pickup"] = pickup_dict(update.pickup_point)
    if update.delivery_window is not None:
        facts["window"] = window_dict(update.delivery_window)
    return facts


def digest(facts: Mapping[str, Any]) -> str:
    """A short stable digest of a parcel's facts (a change makes a facts-only event)."""
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


def scan_event(
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
        event_key=event_key(parcel, slug, scan.scan_id),
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


def event_key(parcel: FollowedParcel, slug: str, scan: str) -> str:
    """The carrier's scan identity for this shipment: a waybill on two orders makes two keys."""
    whose = f"{parcel.order_external_id}\n{parcel.shipment_external_id}"
    short = hashlib.sha256(whose.encode()).hexdigest()[:12]
    return f"{SOURCE}:{slug}:{short}:{parcel.number[:60]}:{scan}"[:200]


def facts_event(
    parcel: FollowedParcel, slug: str, update: ParcelUpdate, now: datetime
) -> OrderEventIn:
    """A facts-only event: the carrier moved its estimate or the branch, with no new scan."""
    return OrderEventIn(
        event_key=event_key(parcel, slug, f"facts:{digest(facts_of(update))}"),
        source=SOURCE,
        order_id=parcel.order_external_id,
        occurred_at=now,
        shipment=_shipment(parcel, update, None),
        extra={"carrier": slug},
    )
