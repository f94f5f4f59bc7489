"""The facts a message is rendered from, gathered from the stored order."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.domain.events import OrderEventIn
from core.domain.rules import zone
from core.domain.statuses import Status
from core.links import Links
from core.rendering import normalize_locale
from core.storage.models import Notification, Order, Shipment, Shop


def shown_estimate(order: Order, shipment_id: str | None) -> date | None:
    """The delivery date a message about this parcel (or the order) shows: the parcel's, else
    the order's; for order-level news the latest parcel's."""
    if shipment_id is not None:
        parcel = next((s for s in order.shipments if s.external_id == shipment_id), None)
    else:
        parcel = order.shipments[-1] if order.shipments else None
    return (parcel.estimated_delivery if parcel else None) or order.estimated_delivery


def event_facts(order: Order, data: OrderEventIn, before: date | None) -> dict[str, Any]:
    """What an applied event itself said, kept on the messages it makes due.

    The reason is the event's own (never an earlier event's); a delivery date is "new" only
    when this event moved the one the shopper was shown (`before`) to another day.
    """
    after = shown_estimate(order, data.shipment.id if data.shipment else None)
    moved = before is not None and after is not None and after != before
    return {
        "reason": data.reason,
        "occurred_at": data.occurred_at.isoformat(),
        "previous_estimated_delivery": before.isoformat() if moved and before else None,
        "new_estimated_delivery": after.isoformat() if moved and after else None,
    }


def _event_day(shop: Shop, order: Order, note: Notification, news: dict[str, Any]) -> date:
    """The day, in the shopper's zone (else the shop's), of the event behind `note`."""
    at = datetime.fromisoformat(news["occurred_at"]) if news.get("occurred_at") else None
    tz = (order.customer.timezone if order.customer else None) or (shop.settings or {}).get(
        "timezone"
    )
    return (at or note.created_at).astimezone(zone(tz)).date()


def facts_for(
    shop: Shop,
    order: Order,
    shipment: Shipment | None,
    links: Links,
    note: Notification | None = None,
) -> dict[str, Any]:
    """Everything a template may show about this order, as raw values (rendering formats).

    With `note`, the facts of the event behind that message (its reason, a moved date)
    are shown, and a parcel out for delivery arrives on the day it went out.
    """
    settings = shop.settings or {}
    branding = settings.get("branding", {})
    customer = order.customer
    shipped = [s for s in order.shipments if s.status]
    counts = [s.items_count for s in shipped]
    tracking = links.tracking_url(shop.id, order.id)
    news = (note.event_facts if note is not None else None) or {}
    estimate = (shipment.estimated_delivery if shipment else None) or order.estimated_delivery
    if note is not None and note.status == Status.OUT_FOR_DELIVERY:
        # with the courier today: no earlier estimate may stand beside "today"
        estimate = _event_day(shop, order, note, news)
        news = {**news, "previous_estimated_delivery": None, "new_estimated_delivery": None}
    return {
        "status": order.status,
        "shop": {
            "name": shop.name,
            "logo_url": branding.get("logo_url"),
            "url": branding.get("store_url") or (f"https://{shop.domain}" if shop.domain else None),
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
            "estimated_delivery": estimate,
            "reason": news.get("reason"),
            "previous_estimated_delivery": news.get("previous_estimated_delivery"),
            "new_estimated_delivery": news.get("new_estimated_delivery"),
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
            "estimated_delivery": estimate,
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
