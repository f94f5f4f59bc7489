"""The facts a message is rendered from, gathered from the stored order."""

from __future__ import annotations

from typing import Any

from core.links import Links
from core.rendering import normalize_locale
from core.storage.models import Notification, Order, Shipment, Shop

from .shops import store_url


def facts_for(shop: Shop, order: Order, shipment: Shipment | None, links: Links) -> dict[str, Any]:
    """Everything a template may show about this order, as raw values (rendering formats)."""
    settings = shop.settings or {}
    branding = settings.get("branding", {})
    customer = order.customer
    shipped = [s for s in order.shipments if s.status]
    counts = [s.items_count for s in shipped]
    tracking = links.tracking_url(shop.id, order.id)
    return {
        "status": order.status,
        "shop": {
            "name": shop.name,
            "logo_url": branding.get("logo_url"),
            "url": store_url(shop),
            "brand_color": branding.get("brand_color"),
            "support_email": branding.get("support_email"),
            "support_phone": branding.get("support_phone"),
            "support_url": branding.get("support_url"),
        },
        "order": {
            "number": order.number,
            "total": order.total,
            "currency": order.currency,
            "items": order.items or [],
            "placed_at": order.placed_at,
            "estimated_delivery": (shipment.estimated_delivery if shipment else None)
            or order.estimated_delivery,
            "reason": order.reason,
            "new_estimated_delivery": (shipment.estimated_delivery if shipment else None)
            or order.estimated_delivery,
        },
        "customer": {
            "name": customer.name if customer else None,
            "first_name": customer.name.split()[0] if customer and customer.name else None,
        },
        "shipment": None
        if shipment is None
        else {
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "tracking_url": shipment.tracking_url,
            "estimated_delivery": shipment.estimated_delivery,
            "items_count": shipment.items_count,
            "pickup_point": shipment.pickup_point,
        },
        "progress": {
            "shipments_total": len(order.shipments),
            "items_total": order.items_total,
            "items_shipped": sum(c or 0 for c in counts) if counts and None not in counts else None,
        },
        "tracking_link": tracking,
        "feedback_link": tracking + "#feedback",  # the tracking page's feedback form
        "unsubscribe_link": None,
    }


def shipment_of(order: Order, note: Notification) -> Shipment | None:
    """The parcel a notification is about: its own, or the latest one for order-level news."""
    if note.shipment_key:
        return next((s for s in order.shipments if s.external_id == note.shipment_key), None)
    return order.shipments[-1] if order.shipments else None


def locale_of(shop: Shop, order: Order) -> str:
    """The shopper's language: the order's, the customer's, then the shop's."""
    for candidate in (
        order.locale,
        order.customer.locale if order.customer else None,
        (shop.settings or {}).get("locale"),
    ):
        locale = normalize_locale(candidate)
        if locale:
            return locale
    return "en"
