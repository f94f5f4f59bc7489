"""WooCommerce order statuses -> canonical statuses: a plain table plus the shop's own choices.

Stores use `completed` two ways ("we shipped it" or "it arrived"), so that one is a
per-shop setting. Plugins add statuses (Advanced Shipment Tracking's partial-shipped,
delivered, updated-tracking) and merchants add their own; `settings["woocommerce"]
["statuses"]` maps any of them (or overrides a default) to a canonical status or to
"ignore". `pending` (awaiting payment) and `checkout-draft` (a cart at checkout) never
notify anyone: the shopper has not ordered yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain.statuses import Status, parse_status

IGNORE = "ignore"

# Not an order yet, or an order WooCommerce itself is about to retry: no event at all.
SILENT = frozenset({"pending", "checkout-draft", "auto-draft", "draft", "trash", "failed"})

DEFAULTS: dict[str, Status] = {
    "on-hold": Status.PLACED,  # received, waiting for the payment to be confirmed (bank transfer)
    "processing": Status.PROCESSING,  # paid, being prepared
    "cancelled": Status.CANCELLED,
    "refunded": Status.REFUNDED,
    # Advanced Shipment Tracking (zorem) and similar plugins
    "partial-shipped": Status.SHIPPED,
    "shipped": Status.SHIPPED,
    "updated-tracking": Status.SHIPPED,
    "delivered": Status.DELIVERED,
}

COMPLETED_CHOICES = (Status.SHIPPED.value, Status.DELIVERED.value)


def woo_settings(shop_settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """The `woocommerce` section of a shop's settings (empty when the merchant set nothing)."""
    section = shop_settings.get("woocommerce")
    return section if isinstance(section, Mapping) else {}


def normalise(wc_status: str) -> str:
    """`wc-completed` and `Completed` both name `completed` (the REST API drops the prefix)."""
    status = (wc_status or "").strip().lower()
    return status[3:] if status.startswith("wc-") else status


def map_status(wc_status: str, shop_settings: Mapping[str, Any]) -> Status | None | str:
    """The canonical status for a WooCommerce one.

    Returns a Status, IGNORE (no event: not an order yet, or the merchant said so), or
    None for an unknown status (the order's facts are kept, its status left as it was).
    """
    status = normalise(wc_status)
    conf = woo_settings(shop_settings)
    custom = {normalise(k): v for k, v in (conf.get("statuses") or {}).items()}
    if status in custom:
        target = str(custom[status]).strip().lower()
        return IGNORE if target in (IGNORE, "") else parse_status(target)
    if status in SILENT:
        return IGNORE
    if status == "completed":
        return Status(completed_means(shop_settings))
    return DEFAULTS.get(status)


def completed_means(shop_settings: Mapping[str, Any]) -> str:
    """What marking an order completed tells the shopper: "shipped" (default) or "delivered"."""
    choice = str(woo_settings(shop_settings).get("completed") or Status.SHIPPED.value)
    return choice if choice in COMPLETED_CHOICES else Status.SHIPPED.value


def validate_mapping(mapping: Mapping[str, Any]) -> dict[str, str]:
    """Check a merchant's custom status map; returns {wc status: error} for the bad entries."""
    errors: dict[str, str] = {}
    for key, value in mapping.items():
        target = str(value).strip().lower()
        if target in (IGNORE, ""):
            continue
        try:
            parse_status(target)
        except ValueError as exc:
            errors[normalise(key)] = str(exc)
    return errors
