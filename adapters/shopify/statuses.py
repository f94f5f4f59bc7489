"""Shopify's words for an order's progress, mapped to the canonical statuses.

Plain tables, like karrio's status enums: the translation in webhooks.py reads them,
and nothing here does I/O. Checked against Shopify's REST and GraphQL references
(Fulfillment.shipment_status, FulfillmentEvent.status, Order.cancel_reason).
"""

from __future__ import annotations

from core.domain.statuses import Status
from core.i18n import NP_, Marked

# Fulfillment.shipment_status (REST) and FulfillmentEvent.status (REST and webhooks).
# A fulfillment with no shipment status yet is a parcel handed over: SHIPPED.
SHIPMENT_STATUS: dict[str, Status] = {
    "label_printed": Status.SHIPPED,
    "label_purchased": Status.SHIPPED,
    "confirmed": Status.SHIPPED,
    "picked_up": Status.SHIPPED,
    "carrier_picked_up": Status.SHIPPED,
    "in_transit": Status.IN_TRANSIT,
    "out_for_delivery": Status.OUT_FOR_DELIVERY,
    "attempted_delivery": Status.ATTEMPTED_DELIVERY,
    "ready_for_pickup": Status.READY_FOR_PICKUP,
    "delivered": Status.DELIVERED,
    "failure": Status.EXCEPTION,
    "delayed": Status.DELAYED,
}

# Fulfillment.status (REST and GraphQL FulfillmentStatus): a cancelled fulfillment, or one
# whose request failed, is no parcel on its way.
DEAD_FULFILLMENT = frozenset({"cancelled", "canceled", "error", "failure"})
# GraphQL Fulfillment.displayStatus values that mean the parcel is gone or never existed.
VOID_DISPLAY = frozenset({"canceled", "cancelled", "label_voided"})
# displayStatus values that only say "handed over", beyond the shipment statuses above.
HANDED_OVER = frozenset({"fulfilled", "marked_as_fulfilled", "submitted", "confirmed"})

# returns/* topics: the return path the shopper sees.
RETURN_TOPIC: dict[str, Status | None] = {
    "returns/request": Status.RETURN_REQUESTED,
    "returns/approve": Status.RETURN_REQUESTED,
    "returns/process": Status.RETURNED,
    "returns/close": Status.RETURNED,
    "returns/decline": None,
    "returns/cancel": None,
    "returns/reopen": None,
    "returns/update": None,
}

# Order.cancel_reason in the shopper's words (en, ru, uk).
CANCEL_REASON: dict[str, Marked] = {
    "customer": NP_("cancel reason", "cancelled at your request"),
    "declined": NP_("cancel reason", "the payment was declined"),
    "fraud": NP_("cancel reason", "the order could not be verified"),
    "inventory": NP_("cancel reason", "the items are out of stock"),
    "staff": NP_("cancel reason", "cancelled by the store"),
    "other": NP_("cancel reason", "cancelled by the store"),
}


def shipment_status(value: str | None) -> Status | None:
    """The canonical status for a shipment or fulfillment-event status (any case)."""
    return SHIPMENT_STATUS.get((value or "").strip().lower())


def parcel_status(status: str | None, shown: str | None) -> tuple[bool, Status | None]:
    """One mapping for webhooks and reconciliation: (is it a parcel, its status).

    `status` is the fulfillment's own (REST `status`, GraphQL `status`); `shown` is where
    the parcel is (REST `shipment_status`, GraphQL `displayStatus`), so a delivery FAILURE
    means an exception on both paths, and a failed fulfillment request no parcel at all.
    """
    state, where = (status or "").strip().lower(), (shown or "").strip().lower()
    if state in DEAD_FULFILLMENT or where in VOID_DISPLAY:
        return False, None
    mapped = shipment_status(where)
    if mapped is not None:
        return True, mapped
    return True, Status.SHIPPED if not where or where in HANDED_OVER else None


def cancel_reason(value: str | None, locale: str) -> str | None:
    """Why the order was cancelled, in the shopper's language."""
    if not value:
        return None
    return CANCEL_REASON.get(value.strip().lower(), CANCEL_REASON["other"])(locale)
