"""Shopper-facing words for statuses and layouts, in every supported locale."""

from __future__ import annotations

from core.domain.statuses import Status
from core.i18n import NP_, Marked
from core.rendering.locales import DEFAULT_LOCALE, normalize_locale

# status → (label, one sentence from the shopper's side); translated in core/i18n/locale
_STATUS: dict[Status, tuple[Marked, Marked]] = {
    Status.PLACED: (
        NP_("status", "Order placed"),
        NP_("status description", "We have received your order."),
    ),
    Status.PROCESSING: (
        NP_("status", "Processing"),
        NP_("status description", "We have accepted your order and are preparing it."),
    ),
    Status.PICKING: (
        NP_("status", "Being picked"),
        NP_("status description", "Your items are being collected in our warehouse."),
    ),
    Status.PACKED: (
        NP_("status", "Packed"),
        NP_("status description", "Your order is packed and ready to hand to the carrier."),
    ),
    Status.SHIPPED: (
        NP_("status", "Shipped"),
        NP_("status description", "Your parcel is on its way with the carrier."),
    ),
    Status.IN_TRANSIT: (
        NP_("status", "In transit"),
        NP_("status description", "Your parcel is moving through the carrier's network."),
    ),
    Status.OUT_FOR_DELIVERY: (
        NP_("status", "Out for delivery"),
        NP_("status description", "The courier has your parcel and will deliver it today."),
    ),
    Status.READY_FOR_PICKUP: (
        NP_("status", "Ready for pickup"),
        NP_("status description", "Your parcel is waiting for you at the pickup point."),
    ),
    Status.ATTEMPTED_DELIVERY: (
        NP_("status", "Delivery attempted"),
        NP_(
            "status description",
            "The courier could not deliver your parcel and will try again.",
        ),
    ),
    Status.DELIVERED: (
        NP_("status", "Delivered"),
        NP_("status description", "Your order has been delivered."),
    ),
    Status.DELAYED: (
        NP_("status", "Delayed"),
        NP_(
            "status description",
            "Your delivery is running late; we have a new estimated date.",
        ),
    ),
    Status.EXCEPTION: (
        NP_("status", "Delivery problem"),
        NP_(
            "status description",
            "There is a problem with your delivery that needs attention.",
        ),
    ),
    Status.CANCELLED: (
        NP_("status", "Cancelled"),
        NP_("status description", "Your order has been cancelled."),
    ),
    Status.RETURN_REQUESTED: (
        NP_("status", "Return requested"),
        NP_("status description", "We have received your return request."),
    ),
    Status.RETURNED: (
        NP_("status", "Returned"),
        NP_("status description", "Your return has arrived back with us."),
    ),
    Status.REFUNDED: (
        NP_("status", "Refunded"),
        NP_("status description", "Your refund has been issued."),
    ),
}

_UI: dict[str, Marked] = {
    "track_order": NP_("message", "Track your order"),
    "order": NP_("message", "Order {number}"),
    "footer": NP_("message", "You receive this because you ordered from {store}."),
    "unsubscribe": NP_("message", "Unsubscribe"),
    "questions": NP_("message", "Questions? We are happy to help."),
    "estimated_delivery": NP_("message", "Estimated delivery"),
    "carrier": NP_("message", "Carrier"),
    "tracking_number": NP_("message", "Tracking number"),
    "total": NP_("message", "Total"),
    "item": NP_("message", "Item"),
    "quantity": NP_("message", "Qty"),
    "price": NP_("message", "Price"),
    "pickup_point": NP_("message", "Pickup point"),
    "hours": NP_("message", "Opening hours"),
    "status": NP_("message", "Status"),
    "not_found": NP_(
        "message",
        "We could not find that order. Check the number and try again.",
    ),
}


def _locale(locale: str | None) -> str:
    return normalize_locale(locale) or DEFAULT_LOCALE


def status_label(status: Status | str, locale: str | None) -> str:
    """A short name for the status in the shopper's language: 'Out for delivery'."""
    return _STATUS[Status(status)][0](_locale(locale))


def status_description(status: Status | str, locale: str | None) -> str:
    """One sentence, from the shopper's side, about what the status means."""
    return _STATUS[Status(status)][1](_locale(locale))


def ui_text(key: str, locale: str | None, **values: object) -> str:
    """A layout string ('track_order', 'footer', …) in the locale, with {values} filled in."""
    return _UI[key](_locale(locale), **values)
