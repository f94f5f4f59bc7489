"""The facts a message is rendered from, gathered from the stored order."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.domain.events import OrderEventIn
from core.domain.rules import zone
from core.domain.statuses import Status
from core.links import Links
from core.rendering import normalize_locale
from core.shop_settings import settings_of
from core.storage.models import Notification, Order, Shipment, Shop

from .contacts import name_on
from .shops import store_url
from .tracking_links import tracking_url

TRACKING_MARK = "~tracking"
"""Marks the shipping message sent when a parcel gets its tracking number after its news."""


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
    facts: dict[str, Any] = {
        "reason": data.reason,
        "refund_amount": data.refund_amount,
        "occurred_at": data.occurred_at.isoformat(),
        "previous_estimated_delivery": before.isoformat() if moved and before else None,
        "new_estimated_delivery": after.isoformat() if moved and after else None,
    }
    care = data.extra.get("care")
    if isinstance(care, dict):
        facts["care"] = care
        if care.get("new_estimate") and not facts["new_estimated_delivery"]:
            # care moved the order's own range before this event: its dates are the news
            facts["previous_estimated_delivery"] = care.get("previous_estimate")
            facts["new_estimated_delivery"] = care["new_estimate"]
    return facts


def _event_day(shop: Shop, order: Order, note: Notification, news: dict[str, Any]) -> date:
    """The day, in the shopper's zone (else the shop's), of the event behind `note`."""
    at = datetime.fromisoformat(news["occurred_at"]) if news.get("occurred_at") else None
    tz = (order.customer.timezone if order.customer else None) or settings_of(shop).timezone
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
    branding = settings_of(shop).branding
    name = (name_on(order) or "").strip() or None
    shipped = [s for s in order.shipments if s.status]
    counts = [s.items_count for s in shipped]
    tracking = tracking_url(links, order)
    news = (note.event_facts if note is not None else None) or {}
    estimate = (shipment.estimated_delivery if shipment else None) or order.estimated_delivery
    # the promise's first day, when the date shown is the order's range (not a parcel's own)
    earliest = order.estimated_earliest if estimate == order.estimated_delivery else None
    window = None
    if note is not None and note.status == Status.READY_FOR_PICKUP:
        # it has arrived: the pickup deadline matters now, not an estimated delivery day
        estimate, earliest = None, None
    if note is not None and note.status == Status.OUT_FOR_DELIVERY:
        # with the courier today: no earlier estimate may stand beside "today"
        estimate, earliest = _event_day(shop, order, note, news), None
        news = {**news, "previous_estimated_delivery": None, "new_estimated_delivery": None}
        if shipment is not None and shipment.delivery_window:
            # the carrier's window, worded from the day the courier set out, in their zone
            tz = (order.customer.timezone if order.customer else None) or settings_of(shop).timezone
            window = {**shipment.delivery_window, "zone": tz, "today": estimate.isoformat()}
    return {
        "status": order.status,
        "shop": {
            "name": shop.name,
            "logo_url": branding.logo_url,
            "url": store_url(shop),
            "brand_color": branding.brand_color,
            "support_email": branding.support_email,
            "support_phone": branding.support_phone,
            "support_url": branding.support_url,
        },
        "order": {
            "external_id": order.external_id,  # what hooks are told (HookMessage.order_id)
            "number": order.number,
            "total": order.total,
            "shipping_total": order.shipping_total,
            "refund_amount": news.get("refund_amount"),
            "currency": order.currency,
            "items": order.items or [],
            "placed_at": order.placed_at,
            "estimated_delivery": estimate,
            "estimated_earliest": earliest,
            "reason": news.get("reason"),
            "care": news.get("care"),
            "previous_estimated_delivery": news.get("previous_estimated_delivery"),
            "new_estimated_delivery": news.get("new_estimated_delivery"),
        },
        "customer": {"name": name, "first_name": name.split()[0] if name else None},
        "shipment": None
        if shipment is None
        else {
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "tracking_url": shipment.tracking_url,
            "estimated_delivery": estimate,
            "items_count": shipment.items_count,
            "pickup_point": shipment.pickup_point,
            "carrier_phone": carrier_phone(shop, shipment),
            "delivery_window": window,
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


def carrier_phone(shop: Shop, shipment: Shipment) -> str | None:
    """The shopper-facing phone of the parcel's carrier, when an installed carrier is it."""
    contact = carrier_contact(shop, shipment)  # spaced as people read it: +380 44 000 0000
    return (contact["phone_text"] or None) if contact else None


def carrier_contact(shop: Shop, shipment: Shipment) -> dict[str, str] | None:
    """The parcel's carrier as shoppers reach it (name, phone, site), when an installed
    carrier is it; None when no carrier is known or it gives neither phone nor site.

    The carrier the shop named; else the one the number most likely belongs to for this
    shop (its connected carriers and its country first), as detection ranks them.
    """
    from core.carriers.connected import connected
    from core.carriers.detect import likeliest
    from core.plugins import CARRIERS, load_plugins

    if not (shipment.carrier or shipment.tracking_number):
        return None
    carriers: dict[str, Any] = {
        n: c for n, c in load_plugins(CARRIERS).loaded.items() if isinstance(c, type)
    }
    own = settings_of(shop)
    # entries only: connecting a carrier always writes one (its secrets stay sealed here)
    ours = connected([e.config() for e in own.carriers], {}, carriers)
    found = likeliest(shipment.carrier, shipment.tracking_number or "", carriers, own.country, ours)
    cls = carriers.get(found or "")
    if cls is None:
        return None
    meta = cls.metadata
    phone, site = getattr(meta, "phone", "") or "", getattr(meta, "site", "") or ""
    if not (phone or site):
        return None
    return {
        "name": getattr(meta, "label", "") or found or "",
        "phone": phone,
        "phone_text": _spaced(phone),
        "site": site,
    }


def _spaced(phone: str) -> str:
    """An international number as people read it: '+380 44 000 0000'."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def shipment_of(order: Order, note: Notification) -> Shipment | None:
    """The parcel a notification is about: its own, or the latest one for order-level news."""
    if note.shipment_key:
        key = parcel_key(note.shipment_key)
        found = next((s for s in order.shipments if s.external_id == key), None)
        if found is None and key != note.shipment_key:  # a mark may have cut a long id short
            found = next((s for s in order.shipments if s.external_id.startswith(key)), None)
        return found
    return order.shipments[-1] if order.shipments else None


def parcel_key(shipment_key: str) -> str:
    """The parcel's id in a notification's shipment key (without a "~tracking" or resend mark)."""
    return shipment_key.split("~", 1)[0]


def parcel_facts(order: Order, note: Notification) -> dict[str, Any]:
    """Where the message's parcel stands among the order's parcels, as of its own news.

    Counted as of the parcel's news rather than the time of sending, so a message that
    waited (debounce, quiet hours, retries) still says what was true when it was due.
    A parcel's `delivered` message is the partial one: the pipeline gives the delivery
    that completes the order an order-level message instead.
    """
    parcels = list(order.shipments)
    this = shipment_of(order, note) if note.shipment_key else None
    facts: dict[str, Any] = {
        "total": len(parcels),
        "delivered": sum(p.status == Status.DELIVERED.value for p in parcels),
        "role": "",
        "partly_delivered": False,
        "items_shipped": None,
        "tracking_added": note.shipment_key.endswith(TRACKING_MARK),
    }
    if this is None:
        return facts
    position = parcels.index(this) + 1
    counts = [p.items_count for p in parcels[:position]]
    shipped = sum(c or 0 for c in counts) if None not in counts else None
    wanted = order.items_total
    more_items = shipped is not None and wanted is not None and shipped < wanted
    if position > 1:
        facts["role"] = "next" if more_items or position < len(parcels) else "rest"
    elif more_items or len(parcels) > 1:
        facts["role"] = "first"
    if note.status == Status.SHIPPED.value:  # later news counts what has shipped by now
        facts["items_shipped"] = shipped
    if note.status == Status.DELIVERED.value and this.status_at is not None:
        at = this.status_at
        facts["partly_delivered"] = True
        facts["delivered"] = sum(
            p.status == Status.DELIVERED.value and p.status_at is not None and p.status_at <= at
            for p in parcels
        )
    return facts


def locale_of(shop: Shop, order: Order) -> str:
    """The shopper's language: the order's, the customer's, then the shop's."""
    for candidate in (
        order.locale,
        order.customer.locale if order.customer else None,
        settings_of(shop).locale,
    ):
        locale = normalize_locale(candidate)
        if locale:
            return locale
    return "en"
