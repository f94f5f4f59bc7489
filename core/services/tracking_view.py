"""The shopper's tracking page as plain data: the view model the page, the preference
centre and the Shopify app proxy render.

Everything is formatted here for one locale and the shopper's time zone
(`core.rendering.moments`), so each surface shows the same words and the same times.
No Flask: the web app and the adapters call `tracking_view` and render its result.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, tzinfo
from typing import Any

from core.domain.statuses import RETURN_PATH, Status
from core.rendering import status_description, status_label
from core.rendering.display import as_status, family, first_name, safe_url
from core.rendering.hours import opening_hours, window_span
from core.rendering.locales import (
    format_day,
    format_day_range,
    format_money,
    shipment_progress,
    vocative,
)
from core.rendering.moments import format_moment
from core.shop_settings import settings_of
from core.storage.models import CarrierScan, Order, OrderEvent, Shipment, Shop

from .brand import brand
from .contacts import name_on
from .journey import for_pickup, journey, status_word
from .messages import carrier_contact
from .page_words import Chrome
from .scans import SHOWN, all_updates, scans_of
from .summary import expected_from, parcel_index


def tracking_view(
    shop: Shop,
    order: Order,
    events: list[OrderEvent],
    locale: str,
    zone: tzinfo,
    scans: Mapping[int, list[CarrierScan]] | None = None,
) -> dict[str, Any]:
    """Everything the tracking page shows, formatted for `locale` and the shopper's zone.

    `scans` are the carrier's scans of each followed parcel by shipment id, newest first
    (`core.services.scans.parcel_scans`); each parcel lists its own.
    """
    status = as_status(order.status) or Status.PLACED
    seen = [st for e in events if (st := as_status(e.status))]
    pickup = for_pickup(order, seen)
    # a delay or carrier problem is delivery news: a cancelled or refunded order shows none
    overlay = None if status in CLOSED else as_status(order.overlay)
    branding = settings_of(shop).branding
    parcels = order.shipments
    open_dates = [
        p.estimated_delivery
        for p in parcels
        if p.estimated_delivery and p.status != Status.DELIVERED
    ]
    edd = max(open_dates) if open_dates else order.estimated_delivery
    finished = status in (Status.DELIVERED, Status.CANCELLED, *RETURN_PATH)
    name = first_name(name_on(order))
    return {
        "brand": brand(branding, shop),
        "number": order.number,
        "greeting": vocative(name, locale) if name else None,
        "status": status,
        "status_label": status_word(status, locale, pickup),
        "description": Chrome(locale)("picked_up_desc")
        if pickup and status == Status.DELIVERED
        else status_description(status, locale),
        "family": family(status),
        "pickup": pickup,
        "keep_until": keep_until(parcels, locale) if status == Status.READY_FOR_PICKUP else None,
        "overlay": overlay
        and {
            "status": overlay,
            "label": status_label(overlay, locale),
            "description": status_description(overlay, locale),
            "reason": order.reason,
            "family": family(overlay),
        },
        "reason": closing_reason(status, events) if status in CLOSED else None,
        "closed": status in CLOSED,
        # waiting at the point: the date that matters is how long it is kept there
        "edd": None
        if finished or status == Status.READY_FOR_PICKUP
        else format_day_range(expected_from(order, edd), edd, locale),
        "steps": journey(status, seen, locale, pickup),
        "progress": parcel_summary(order, locale),
        "milestones": [
            {
                "label": status_word(st, locale, pickup),
                "family": family(st),
                "at": format_moment(e.occurred_at, zone, locale),
                "iso": e.occurred_at.isoformat(),
                "parcel": parcel_number(parcels, e.shipment_external_id),
            }
            for e in events
            if (st := as_status(e.status))
        ],
        "parcels": []
        if status in CLOSED  # nothing is on its way: no carrier links, no pickup points
        else [
            parcel_view(shop, p, i, len(parcels), locale, zone, scans_of(scans, p.id, locale, zone))
            for i, p in enumerate(parcels, 1)
        ],
        "products": [
            {
                "name": str(it.get("name") or ""),
                "quantity": it.get("quantity") or 1,
                "price": format_money(it.get("price"), order.currency, locale),
            }
            for it in order.items or []
            if isinstance(it, dict)
        ],
        "total": format_money(order.total, order.currency, locale),
        "placed": format_moment(order.placed_at, zone, locale) if order.placed_at else None,
    }


CLOSED = (Status.CANCELLED, Status.REFUNDED)


def closing_reason(status: Status, events: list[OrderEvent]) -> str | None:
    """Why the order was cancelled or refunded: the reason its own event carried.

    For a refund with no reason of its own, the cancellation's; never an earlier delay's.
    """
    for wanted in (status, Status.CANCELLED):
        for e in events:  # newest first
            reason = (e.payload or {}).get("reason") if e.status == wanted else None
            if isinstance(reason, str) and reason.strip():
                return reason.strip()
    return None


def parcel_view(
    shop: Shop,
    p: Shipment,
    index: int,
    count: int,
    locale: str,
    zone: tzinfo,
    scans: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One shipment: carrier, tracking number and link, pickup point, its own status, and
    the carrier's scans (the latest few, the rest folded under "All N updates")."""
    scans = scans or []
    st = as_status(p.status)
    point = p.pickup_point if isinstance(p.pickup_point, dict) else None
    return {
        "index": index,
        "count": count,
        "carrier": p.carrier,
        "tracking_number": p.tracking_number,
        "tracking_url": safe_url(p.tracking_url),
        "status_label": status_word(st, locale, bool(point)) if st else None,
        "family": family(st),
        "items_count": p.items_count,
        "at": format_moment(p.status_at, zone, locale) if p.status_at else None,
        "edd": format_day(p.estimated_delivery, locale) if st != Status.DELIVERED else None,
        # with the courier: the window the carrier gave, in the shopper's zone
        "window": window_span(p.delivery_window, zone, locale)
        if st == Status.OUT_FOR_DELIVERY
        else None,
        "contact": carrier_contact(shop, p),
        "pickup": point
        and {
            "name": point.get("name"),
            "address": point.get("address"),
            "hours": opening_hours(point, locale),  # the week in the shopper's language
            # "Pick up by": nothing to pick up once collected or on its way back
            "keep_until": None
            if st in (Status.DELIVERED, *RETURN_PATH)
            else format_day(parse_day(point.get("keep_until")), locale),
        },
        "scans": scans[:SHOWN],
        "older_scans": scans[SHOWN:],
        "all_scans": all_updates(len(scans), locale) if len(scans) > SHOWN else None,
    }


def keep_until(parcels: list[Shipment], locale: str) -> str | None:
    """The earliest date a parcel waiting at a pickup point is kept until, when known."""
    days = [
        d
        for p in parcels
        if p.status == Status.READY_FOR_PICKUP and isinstance(p.pickup_point, dict)
        if (d := parse_day(p.pickup_point.get("keep_until")))
    ]
    return format_day(min(days), locale) if days else None


def parse_day(value: Any) -> date | None:
    """A date given as ISO text (`2026-12-10`, or a full timestamp), else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def parcel_summary(order: Order, locale: str) -> str | None:
    """'2 of 3 items shipped' while an order is partly shipped, else None."""
    parcels = [p for p in order.shipments if p.status]
    counts = [p.items_count for p in parcels]
    if not parcels or not order.items_total or None in counts:
        return None
    return shipment_progress(sum(c or 0 for c in counts), order.items_total, locale) or None


def parcel_number(parcels: list[Shipment], external_id: str | None) -> int | None:
    """The 1-based number of the parcel `external_id` among the order's parcels."""
    return parcel_index([p.external_id for p in parcels], external_id)
