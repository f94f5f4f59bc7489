"""The flat, friendly variables templates see, built from the pipeline's raw facts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.domain.statuses import UNDATED, Status
from core.i18n import N_
from core.rendering.catalogue import status_label
from core.rendering.hours import opening_hours, window_text
from core.rendering.locales import (
    delivery_progress,
    format_day,
    format_day_range,
    format_money,
    shipment_progress,
    vocative,
)
from core.rendering.moments import first_zone

VARIABLES: dict[str, str] = {
    "first_name": N_("The shopper's first name, or empty"),
    "greeting_name": N_("The first name as used in a greeting (Ukrainian vocative: Олено, Тарасе)"),
    "customer_name": N_("The shopper's full name, or empty"),
    "order_number": N_("The order number as the shop shows it, e.g. #1001"),
    "items": N_("The ordered items: each has name, quantity and price (formatted)"),
    "total": N_("The order total with currency, formatted for the locale"),
    "shipping": N_("What the shopper paid for delivery (part of the total), or empty"),
    "shipping_free": N_("True when delivery cost nothing (shipping is then 0)"),
    "refund_amount": N_("How much this refund gave back, formatted, or empty"),
    "currency": N_("The order's currency code, e.g. UAH"),
    "placed_at": N_("The date the order was placed"),
    "estimated_delivery": N_(
        "The estimated delivery date or range of dates (today when out for delivery), or empty"
    ),
    "new_estimated_delivery": N_("The new delivery date when this news moved it, or empty"),
    "previous_estimated_delivery": N_("The date it moved from (with new_estimated_delivery)"),
    "reason": N_("Why, as this news itself says (cancelled, delayed, held up), or empty"),
    "care": N_(
        "Wismo's own care news, or empty: late, stalled, pickup_first, pickup_last, next_steps"
    ),
    "care_problem": N_(
        "With next_steps: attempted, refused, storage_ended, returned or exception; else empty"
    ),
    "discount_code": N_("A discount code making up for a delay, or empty"),
    "carrier": N_("The carrier delivering the parcel, or empty"),
    "tracking_number": N_("The parcel's tracking number, or empty"),
    "tracking_url": N_("The carrier's tracking page for the parcel, or empty"),
    "pickup_point": N_(
        "The pickup point (name, address, hours, deadline: the last day to collect)"
    ),
    "carrier_phone": N_("The carrier's phone for shoppers (a followed carrier's), or empty"),
    "delivery_window": N_(
        "Out for delivery: the courier's window as the carrier gives it, e.g. "
        "'today between 14:00 and 16:00', in the shopper's time zone; or empty"
    ),
    "items_in_parcel": N_("How many items this parcel holds, or empty"),
    "shipment_progress": N_("'2 of 3 items shipped' for partly shipped orders, else empty"),
    "parcel_role": N_("A split order's parcel: 'first', 'next' or 'rest' (the one completing it)"),
    "partly_delivered": N_("True when this parcel arrived and the rest of the order is on its way"),
    "delivery_progress": N_("'1 of 2 parcels delivered' for a split order, else empty"),
    "tracking_added": N_("True when the parcel's tracking number came after its shipping news"),
    "tracking_link": N_("Your branded tracking page for this order"),
    "feedback_link": N_("Where the shopper rates the order (the tracking page's feedback form)"),
    "unsubscribe_link": N_("Where the shopper stops these messages, or empty"),
    "telegram_link": N_("Opt-in link to your Telegram bot (order confirmation email), or empty"),
    "viber_link": N_("Opt-in link to your Viber bot (order confirmation email), or empty"),
    "store_name": N_("Your store's name"),
    "store_logo_url": N_("Your logo's address, or empty"),
    "store_url": N_("Your store's address, or empty"),
    "brand_color": N_("Your brand colour for buttons and headings"),
    "support_email": N_("Your support email, or empty"),
    "support_phone": N_("Your support phone, or empty"),
    "support_url": N_("Your help or contact page, or empty"),
    "status": N_("The status code, e.g. shipped"),
    "status_label": N_("The status in words, e.g. Shipped"),
    "locale": N_("The message's language: en, ru or uk"),
}

DEFAULT_BRAND_COLOR = "#0f766e"


def _color(value: Any) -> str:
    # only a plain hex colour reaches a style attribute; anything else could smuggle in CSS
    if isinstance(value, str) and re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value.strip()):
        return value.strip()
    return DEFAULT_BRAND_COLOR


def _is_zero(amount: Any) -> bool:
    try:
        return amount not in (None, "") and Decimal(str(amount)) == 0
    except (InvalidOperation, ValueError):
        return False


def _get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, Mapping) else None


def _items(raw: Any, currency: str | None, locale: str) -> list[dict[str, Any]]:
    items = []
    for item in raw or []:
        if not isinstance(item, Mapping):
            continue
        items.append(
            {
                "name": item.get("name") or "",
                "quantity": item.get("quantity") or 1,
                "price": format_money(item.get("price"), currency, locale),
            }
        )
    return items


def _pickup(raw: Any, locale: str) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping) or not (raw.get("name") or raw.get("address")):
        return None
    return {
        "name": raw.get("name") or "",
        "address": raw.get("address") or "",
        "hours": opening_hours(raw, locale),  # the week in the shopper's language when known
        "deadline": format_day(raw.get("keep_until"), locale),  # the last day it is kept
    }


def _dates(
    order: Any, shipment: Any, status: Status, locale: str
) -> tuple[str | None, str | None, str | None]:
    """(estimated, new, previous) delivery dates as shown: none once nothing is on its way,
    a "new" date only when it differs from a known previous one, and after a missed delivery
    only the date it moved to."""
    if status in UNDATED:
        return None, None, None
    latest = _get(shipment, "estimated_delivery") or _get(order, "estimated_delivery")
    estimated = format_day_range(_get(order, "estimated_earliest"), latest, locale)
    new = format_day(_get(order, "new_estimated_delivery"), locale)
    previous = format_day(_get(order, "previous_estimated_delivery"), locale)
    if not (new and previous and new != previous):
        new = previous = None
    if status == Status.ATTEMPTED_DELIVERY and not new:
        estimated = None  # the day that just failed; only a date the carrier moved it to counts
    return estimated, new, previous


def _care(raw: Any) -> dict[str, Any]:
    """The care news of a message: which (late, stalled, pickup_first, ...), its problem, code."""
    if not isinstance(raw, Mapping):
        return {"care": None, "care_problem": None, "discount_code": None}
    rule, step = str(raw.get("rule") or ""), str(raw.get("step") or "")
    care = {"pickup": f"pickup_{step}", "problem": "next_steps"}.get(rule, rule) or None
    return {
        "care": care,
        "care_problem": (raw.get("problem") or None) if care == "next_steps" else None,
        "discount_code": raw.get("discount_code") or None,
    }


def _window(raw: Any, locale: str) -> str | None:
    """'today between 14:00 and 16:00', from the day the courier set out, in the shopper's zone."""
    if not isinstance(raw, Mapping):
        return None
    today = raw.get("today")
    try:
        day = date.fromisoformat(today) if isinstance(today, str) else None
    except ValueError:
        day = None
    return window_text(raw, first_zone(raw.get("zone")), locale, day)


def template_context(facts: Mapping[str, Any], status: Status, locale: str) -> dict[str, Any]:
    """Every name in VARIABLES, formatted for `locale`; missing optional values are None."""
    shop, order = facts.get("shop") or {}, facts.get("order") or {}
    customer, shipment = facts.get("customer") or {}, facts.get("shipment") or {}
    progress, parcels = facts.get("progress") or {}, facts.get("parcels") or {}
    currency = _get(order, "currency")
    first_name = _get(customer, "first_name") or None
    estimated, new, previous = _dates(order, shipment, status, locale)
    return {
        "first_name": first_name,
        "greeting_name": vocative(first_name, locale),
        "customer_name": _get(customer, "name") or None,
        "order_number": str(_get(order, "number") or ""),
        "items": _items(_get(order, "items"), currency, locale),
        "total": format_money(_get(order, "total"), currency, locale),
        "shipping": format_money(_get(order, "shipping_total"), currency, locale),
        "shipping_free": _is_zero(_get(order, "shipping_total")),
        "refund_amount": format_money(_get(order, "refund_amount"), currency, locale),
        "currency": currency,
        "placed_at": format_day(_get(order, "placed_at"), locale),
        "estimated_delivery": estimated,
        "new_estimated_delivery": new,
        "previous_estimated_delivery": previous,
        "reason": _get(order, "reason") or None,
        **_care(_get(order, "care")),
        "carrier": _get(shipment, "carrier") or None,
        "tracking_number": _get(shipment, "tracking_number") or None,
        "tracking_url": _get(shipment, "tracking_url") or None,
        "pickup_point": _pickup(_get(shipment, "pickup_point"), locale),
        "carrier_phone": _get(shipment, "carrier_phone") or None,
        "delivery_window": _window(_get(shipment, "delivery_window"), locale)
        if status == Status.OUT_FOR_DELIVERY
        else None,
        "items_in_parcel": _get(shipment, "items_count") or None,
        "shipment_progress": shipment_progress(
            _get(parcels, "items_shipped") or _get(progress, "items_shipped"),
            _get(progress, "items_total"),
            locale,
        ),
        "parcel_role": _get(parcels, "role") or "",
        "partly_delivered": bool(_get(parcels, "partly_delivered")),
        "delivery_progress": delivery_progress(
            _get(parcels, "delivered"), _get(parcels, "total"), locale
        ),
        "tracking_added": bool(_get(parcels, "tracking_added")),
        "tracking_link": facts.get("tracking_link") or None,
        "feedback_link": facts.get("feedback_link") or None,
        "unsubscribe_link": facts.get("unsubscribe_link") or None,
        "telegram_link": _get(facts.get("messenger_links"), "telegram") or None,
        "viber_link": _get(facts.get("messenger_links"), "viber") or None,
        "store_name": _get(shop, "name") or "",
        "store_logo_url": _get(shop, "logo_url") or None,
        "store_url": _get(shop, "url") or None,
        "brand_color": _color(_get(shop, "brand_color")),
        "support_email": _get(shop, "support_email") or None,
        "support_phone": _get(shop, "support_phone") or None,
        "support_url": _get(shop, "support_url") or None,
        "status": status.value,
        "status_label": status_label(status, locale),
        "locale": locale,
    }
