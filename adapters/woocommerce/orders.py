"""A WooCommerce order (REST/webhook JSON) -> canonical events. Pure.

One order can make several events: the status change itself, a `placed` event dated
when the order was created, when the first thing we hear is an order already paid (a
shopper paying by card goes straight to processing; the timeline still starts at the
order's own time, and the confirmation is the core's rule for every source), and one
event per parcel from the `_wc_shipment_tracking_items` meta that the Shipment Tracking
and Advanced Shipment Tracking extensions both keep.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo, utc_instant
from core.domain.statuses import SHIPMENT_STATUSES, Status
from core.errors import MalformedPayload

from .statuses import IGNORE, map_status, normalise
from .tracking import carrier_name, tracking_url

TRACKING_META = "_wc_shipment_tracking_items"
LOCALE_META = "_wismo_locale"  # set by the Wismo plugin at checkout: the shopper's language
SOURCE = "woocommerce"


def gmt(value: Any) -> datetime | None:
    """A WooCommerce `*_gmt` field ("2026-11-22T10:00:00", no offset, UTC) as an aware time."""
    return utc_instant(value)


def meta(order: Mapping[str, Any], key: str) -> Any:
    """The value of one `meta_data` entry (the webhook carries the order's meta as a list)."""
    for entry in order.get("meta_data") or []:
        if isinstance(entry, Mapping) and entry.get("key") == key:
            return entry.get("value")
    return None


def order_events(
    order: Mapping[str, Any], tag: str, shop_settings: Mapping[str, Any], with_placed: bool = True
) -> list[OrderEventIn]:
    """The events one order payload makes; `tag` names where it came from (webhook id, "rest")."""
    order_id = str(order.get("id") or "").strip()
    if not order_id:
        raise MalformedPayload("order has no id", {"id": "required"})
    wc_status = normalise(str(order.get("status") or ""))
    target = map_status(wc_status, shop_settings)
    if target == IGNORE:
        return []
    modified = (
        _changed_at(order, wc_status)
        or gmt(order.get("date_modified_gmt"))
        or gmt(order.get("date_created_gmt"))
    )
    if modified is None:
        raise MalformedPayload("order has no date", {"date_modified_gmt": "required"})
    created = gmt(order.get("date_created_gmt")) or modified
    status = target if isinstance(target, Status) else None
    # the same change seen by a webhook and by reconciliation is one event, not two (the
    # scheduler counted every re-read order as a "missed event recovered")
    key = f"wc:{order_id}:{order.get('date_modified_gmt') or ''}:{wc_status}"
    base = _facts(order, order_id)
    extra = {"wc_status": wc_status}
    events: list[OrderEventIn] = []
    if with_placed and status not in (None, Status.PLACED, Status.CANCELLED, Status.REFUNDED):
        # one per order, whoever tells us first: when the order was placed, for its timeline
        events.append(
            OrderEventIn(
                event_key=f"wc:{order_id}:placed",
                occurred_at=created,
                status=Status.PLACED,
                extra=extra,
                **base,
            )
        )
    parcels = shipments(order)
    if parcels and status in SHIPMENT_STATUSES:
        for parcel in parcels:
            events.append(
                OrderEventIn(
                    event_key=f"{key}:{parcel.id}",
                    occurred_at=modified,
                    status=status,
                    shipment=parcel,
                    extra=extra,
                    **base,
                )
            )
        return events
    events.append(
        OrderEventIn(event_key=key, occurred_at=modified, status=status, extra=extra, **base)
    )
    # parcels of an order not (yet) marked shipped: remember their tracking, send nothing
    for parcel in parcels:
        events.append(
            OrderEventIn(
                event_key=f"{key}:{parcel.id}", occurred_at=modified, shipment=parcel, **base
            )
        )
    return events


def _facts(order: Mapping[str, Any], order_id: str) -> dict[str, Any]:
    billing = order.get("billing") if isinstance(order.get("billing"), Mapping) else {}
    assert isinstance(billing, Mapping)
    name = " ".join(p for p in (billing.get("first_name"), billing.get("last_name")) if p) or None
    locale = meta(order, LOCALE_META)
    customer = CustomerInfo(
        name=name,
        email=(billing.get("email") or None),
        phone=(billing.get("phone") or None),
        locale=str(locale) if locale else None,
        external_id=str(order["customer_id"]) if order.get("customer_id") else None,
    )
    return {
        "source": SOURCE,
        "order_id": order_id,
        "number": _number(order, order_id),
        "customer": customer,
        "items": _items(order.get("line_items")),
        "total": _amount(order.get("total")),
        "shipping_total": _sum(order.get("shipping_total"), order.get("shipping_tax")),
        "refund_amount": _sum(*(r.get("total") for r in _refunds(order))),
        "placed_at": gmt(order.get("date_created_gmt")),
        "currency": (str(order["currency"]).upper() if order.get("currency") else None),
        "locale": str(locale) if locale else None,
    }


def _refunds(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    refunds = order.get("refunds")
    return [r for r in refunds if isinstance(r, Mapping)] if isinstance(refunds, list) else []


def _sum(*values: Any) -> str | None:
    """The sum of WooCommerce's amounts, refunds given as negatives ("-10.00") counted as paid
    back; None when none of them is an amount (a refund-free order has no refund amount)."""
    total, seen = Decimal(0), False
    for value in values:
        try:
            amount = abs(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            continue
        if amount.is_finite():
            total, seen = total + amount, True
    return str(total) if seen else None


def _number(order: Mapping[str, Any], order_id: str) -> str:
    """The number as WooCommerce shows it to shoppers: "#15" (a plugin's own may carry "#")."""
    number = str(order.get("number") or order_id).strip()
    return number if number.startswith("#") else f"#{number}"


def _changed_at(order: Mapping[str, Any], wc_status: str) -> Any:
    """When the status changed, not when the delivery was built.

    WooCommerce builds the payload at delivery time, so `date_modified_gmt` can be minutes
    after the change (and moves with any later edit); the dates it keeps per milestone
    are closer to the truth where they exist.
    """
    milestone = {"completed": "date_completed_gmt", "processing": "date_paid_gmt"}.get(wc_status)
    return gmt(order.get(milestone)) if milestone else None


def _items(lines: Any) -> list[dict[str, Any]] | None:
    if not isinstance(lines, list):
        return None
    items = []
    for line in lines:
        if not isinstance(line, Mapping) or not line.get("name"):
            continue
        qty = line.get("quantity")
        items.append(
            {
                "name": str(line["name"]),
                "quantity": qty if isinstance(qty, int) and qty > 0 else 1,
                "price": _amount(line.get("total")),
                "sku": str(line["sku"]) if line.get("sku") else None,
            }
        )
    return items


def _amount(value: Any) -> str | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return str(amount) if amount.is_finite() and amount >= 0 else None


def shipments(order: Mapping[str, Any]) -> list[ShipmentInfo]:
    """Each tracking item in the order's `_wc_shipment_tracking_items` meta, as a parcel."""
    items = meta(order, TRACKING_META)
    if isinstance(items, str):  # serialised by a plugin that stored it as JSON text
        try:
            items = json.loads(items)
        except (ValueError, RecursionError):
            return []
    if isinstance(items, Mapping):
        items = list(items.values())
    if not isinstance(items, list):
        return []
    parcels = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not str(item.get("tracking_number") or "").strip():
            continue
        number = str(item["tracking_number"]).strip()
        provider = (
            str(item.get("custom_tracking_provider") or "").strip()
            or str(item.get("tracking_provider") or "").strip()
        )
        link = str(item.get("custom_tracking_link") or item.get("tracking_link") or "").strip()
        if not link.startswith(("https://", "http://")):
            link = tracking_url(provider, number) or ""
        parcels.append(
            ShipmentInfo(
                # no cutting to size here: the intake schema refuses what does not fit, with why
                id=str(item.get("tracking_id") or f"{i}-{number}"),
                carrier=carrier_name(provider) or None,
                tracking_number=number,
                tracking_url=link or None,
            )
        )
    return parcels
