"""OpenCart order statuses -> canonical statuses: a plain table plus the merchant's overrides.

OpenCart ships the same fourteen statuses in 3.0 and 4.x (ids 1-16, no 4 or 6); merchants
add their own under System > Localisation > Order Statuses. A status mapped to None is
"no message": the order's facts are updated, nobody is written to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain.statuses import Status, parse_status

NO_MESSAGE = "none"
"""The value a mapping uses for "update the order, send nothing"."""

STOCK_STATUSES: dict[int, tuple[str, Status | None]] = {
    1: ("Pending", Status.PLACED),
    2: ("Processing", Status.PROCESSING),
    3: ("Shipped", Status.SHIPPED),
    5: ("Complete", Status.DELIVERED),
    7: ("Canceled", Status.CANCELLED),
    8: ("Denied", Status.CANCELLED),
    9: ("Canceled Reversal", None),  # a reversed cancellation: the order goes on, nothing to say
    10: ("Failed", None),  # payment failed: the shop follows up, not an order milestone
    11: ("Refunded", Status.REFUNDED),
    12: ("Reversed", None),  # a payment reversal is a matter between shop and bank
    13: ("Chargeback", None),
    14: ("Expired", Status.CANCELLED),
    15: ("Processed", Status.PROCESSING),
    16: ("Voided", Status.CANCELLED),
}
"""Every stock OpenCart order status: id -> (English name, canonical status or None)."""


def default_status(status_id: int) -> Status | None:
    """The canonical status of a stock OpenCart status id (None: unknown or no message)."""
    entry = STOCK_STATUSES.get(status_id)
    return entry[1] if entry else None


def _lookup(mapping: Any, status_id: int) -> tuple[bool, Status | None]:
    """(found, status) for one status id in a {"id": "status"|"none"} mapping."""
    if not isinstance(mapping, Mapping):
        return False, None
    value = mapping.get(str(status_id), mapping.get(status_id))
    if value is None:
        return False, None
    text = str(value).strip().lower()
    if text in ("", NO_MESSAGE):
        return True, None
    try:
        return True, parse_status(text)
    except ValueError:
        return False, None


def map_status(
    status_id: int, shop_settings: Mapping[str, Any], module_choice: str | None = None
) -> Status | None:
    """The canonical status for an OpenCart status id.

    Precedence: the mapping kept in Wismo (`shop.settings["opencart"]["status_map"]`),
    then the one the merchant chose on the module's settings page (sent with each push),
    then OpenCart's stock defaults. A custom status nobody mapped sends no message.
    """
    conf = shop_settings.get("opencart") if isinstance(shop_settings, Mapping) else None
    found, status = _lookup((conf or {}).get("status_map"), status_id)
    if found:
        return status
    if module_choice is not None:
        found, status = _lookup({str(status_id): module_choice}, status_id)
        if found:
            return status
    return default_status(status_id)
