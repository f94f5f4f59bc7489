"""A followed parcel's scans as the shopper sees them: newest first, in their zone and words.

The tracking page, the Shopify app proxy and the widget all show the same history: the time
(`core.rendering.moments`, the shopper's zone), the place, the carrier's own words and our
canonical status in the shopper's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.statuses import Status
from core.i18n import ngettext
from core.rendering import status_label
from core.rendering.display import family
from core.rendering.moments import format_moment
from core.storage.models import CarrierScan, FollowedParcel, Order

SHOWN = 3
"""Scans shown before the rest fold under "All N updates"."""


def parcel_scans(session: Session, order: Order) -> dict[int, list[CarrierScan]]:
    """The scans of each of the order's followed parcels by shipment id, newest first."""
    ids = [p.id for p in order.shipments]
    if not ids:
        return {}
    rows = session.execute(
        select(FollowedParcel.shipment_id, CarrierScan)
        .join(CarrierScan, CarrierScan.parcel_id == FollowedParcel.id)
        .where(FollowedParcel.shop_id == order.shop_id, FollowedParcel.shipment_id.in_(ids))
        .order_by(CarrierScan.occurred_at.desc(), CarrierScan.id.desc())
    )
    found: dict[int, list[CarrierScan]] = {}
    for shipment_id, scan in rows:
        found.setdefault(shipment_id, []).append(scan)
    return found


def scan_view(scan: CarrierScan, locale: str, zone: tzinfo) -> dict[str, Any]:
    """One scan: when (in `zone`), where, the carrier's words and ours."""
    try:
        status = Status(scan.status) if scan.status else None
    except ValueError:
        status = None
    return {
        "at": format_moment(scan.occurred_at, zone, locale),
        "iso": scan.occurred_at.isoformat(),
        "place": scan.location or None,
        "words": scan.description or None,
        "status": status.value if status else None,
        "label": status_label(status, locale) if status else None,
        "family": family(status),
    }


def scans_of(
    scans: Mapping[int, list[CarrierScan]] | None, shipment_id: int, locale: str, zone: tzinfo
) -> list[dict[str, Any]]:
    """The views of one shipment's scans, newest first."""
    return [scan_view(sc, locale, zone) for sc in (scans or {}).get(shipment_id, [])]


def all_updates(count: int, locale: str) -> str:
    """'All 5 updates': the fold over a parcel's older scans."""
    return ngettext("All {n} update", "All {n} updates", count, locale)
