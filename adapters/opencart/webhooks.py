"""Pushes from the Wismo OpenCart module: Standard Webhooks verification and translation.

Pure: bytes and headers in, canonical events out. The module sends one JSON object per
order history change (see module/lib/Payload.php and docs/opencart.md), or a ping
from the "test connection" button, which yields no events.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from core.adapters import InboundRequest
from core.carrier_links import carrier_name, tracking_url
from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo, utc_instant
from core.errors import InvalidSignature, MalformedPayload
from core.signing import HEADER_ID, HEADER_TIMESTAMP, verify

from .statuses import map_status
from .tracking import tracking_from_comment

TOLERANCE = 300
"""Seconds a push may be old (or early) before it counts as a replay."""


def verify_push(
    request: InboundRequest, secrets: Mapping[str, Any], now: int | None = None
) -> None:
    """Raise InvalidSignature unless the shop's current or previous secret signed the push."""
    candidates = [secrets.get("webhook_secret"), secrets.get("previous_webhook_secret")]
    keys = [s for s in candidates if isinstance(s, str) and s]
    if not keys:
        raise InvalidSignature("this shop has no webhook secret")
    error: InvalidSignature | None = None
    for key in keys:
        try:
            verify(key, request.headers, request.body, now=now, tolerance=TOLERANCE)
            return
        except InvalidSignature as exc:
            error = exc
    assert error is not None
    raise error


def locale_of(language_code: Any) -> str | None:
    """OpenCart's language code (en-gb, ru-ru, uk-ua) -> Wismo's locale (en, ru, uk)."""
    if not isinstance(language_code, str) or not language_code.strip():
        return None
    return language_code.strip().lower().replace("_", "-").split("-")[0] or None


def parse_push(request: InboundRequest, shop_settings: Mapping[str, Any]) -> list[OrderEventIn]:
    """The event in a verified push ([] for a ping), or MalformedPayload with the reason."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedPayload(f"body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise MalformedPayload("body must be a JSON object", {"": "expected an object"})
    if body.get("event") == "ping":
        return []
    order = body.get("order")
    if not isinstance(order, dict):
        raise MalformedPayload("invalid push", {"order": "required, an object"})
    headers = {k.lower(): v for k, v in request.headers.items()}
    return [_event(order, headers, shop_settings)]


def pulled_events(order: dict[str, Any], shop_settings: Mapping[str, Any]) -> list[OrderEventIn]:
    """An order the backfill pulled: its current status, stored without a message."""
    try:
        event = _event(order, {}, shop_settings)
    except MalformedPayload:
        return []
    key = f"oc-backfill-{event.order_id}-{order.get('status_id')}-{order.get('date_modified')}"
    return [replace(event, event_key=key, extra={**event.extra, "silent": True})]


def _event(
    order: dict[str, Any], headers: Mapping[str, str], shop_settings: Mapping[str, Any]
) -> OrderEventIn:
    errors: dict[str, str] = {}
    order_id = str(order.get("id") or "").strip()
    if not order_id:
        errors["order.id"] = "required"
    try:
        status_id = int(order.get("status_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        errors["order.status_id"] = "required, an OpenCart order_status_id"
        status_id = 0
    occurred_at = _when(order.get("occurred_at"), headers.get(HEADER_TIMESTAMP), errors)
    total = _amount(order.get("total"), "order.total", errors)
    if errors:
        raise MalformedPayload("invalid push", errors)
    assert occurred_at is not None
    comment = _text(order.get("comment"))
    # A comment without "Notify customer" is staff-only in OpenCart (modules before 1.1
    # sent it anyway): it never becomes shopper-facing text such as the cancellation reason.
    public = comment if order.get("notify") is True else None
    customer: dict[str, Any] = _obj(order.get("customer"))
    locale = locale_of(order.get("language"))
    status = map_status(status_id, shop_settings, _text(order.get("wismo_status")))
    if order.get("facts_only") is True:  # e.g. a tracking number saved on the admin order page
        status = None
    shipping: dict[str, Any] = _obj(order.get("shipping"))
    return OrderEventIn(
        event_key=headers.get(HEADER_ID)
        or f"oc-{order_id}-{status_id}-{occurred_at.timestamp():.0f}",
        source="opencart",
        order_id=order_id,
        occurred_at=occurred_at,
        status=status,
        number=_text(order.get("number")) or order_id,
        customer=CustomerInfo(
            name=_text(customer.get("name")),
            email=_text(customer.get("email")),
            phone=_text(customer.get("phone")),
            locale=locale,
            external_id=_text(customer.get("id")) if customer.get("id") else None,
        ),
        items=_items(order.get("products")),
        total=total,
        shipping_total=_shipping(order.get("totals")),
        placed_at=utc_instant(order.get("date_added")),
        currency=(_text(order.get("currency")) or "").upper() or None,
        locale=locale,
        reason=_reason(order, public) if status and status.value == "cancelled" else None,
        shipment=_shipment(order, comment),
        extra={
            "opencart": {
                "status_id": status_id,
                "status_name": _text(order.get("status")),
                "notify": bool(order.get("notify")),
                "shipping_method": _text(shipping.get("method")),
                "shipping_city": _text(shipping.get("city")),
                "store_url": _text(order.get("store_url")),
                "date_modified": _text(order.get("date_modified")),
                "totals": order.get("totals") if isinstance(order.get("totals"), list) else [],
            }
        },
    )


def _reason(order: Mapping[str, Any], public_comment: str | None) -> str | None:
    """The cancellation reason the shopper may read: its own field, else a notified comment."""
    if "reason" in order:
        return _text(order.get("reason"))
    return public_comment


def _shipping(totals: Any) -> str | None:
    """What delivery cost: the order's "shipping" total lines (OpenCart may list several)."""
    lines = [t for t in totals if isinstance(t, dict)] if isinstance(totals, list) else []
    amounts = [str(t.get("value")) for t in lines if t.get("code") == "shipping"]
    try:
        return str(sum(Decimal(a) for a in amounts)) if amounts else None
    except (InvalidOperation, ValueError):
        return None


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text[:500] or None


def _when(value: Any, header_ts: str | None, errors: dict[str, str]) -> datetime | None:
    """When the status changed: the module's `occurred_at`, else the signing time."""
    if value:
        try:
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            errors["order.occurred_at"] = "an ISO 8601 date-time such as 2026-11-22T10:00:00+02:00"
            return None
    try:
        return datetime.fromtimestamp(int(header_ts or ""), UTC)
    except ValueError:
        errors["order.occurred_at"] = "required"
        return None


def _amount(value: Any, field: str, errors: dict[str, str]) -> str | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors[field] = "a decimal amount such as 1250.00"
        return None
    if not amount.is_finite() or amount < 0:
        errors[field] = "a non-negative amount"
        return None
    return str(amount.quantize(Decimal("0.01")))


def _items(value: Any) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        return None
    items = []
    for product in value:
        if not isinstance(product, dict) or not _text(product.get("name")):
            continue
        try:
            quantity = max(1, int(product.get("quantity") or 1))
        except (TypeError, ValueError):
            quantity = 1
        items.append(
            {
                "name": _text(product.get("name")),
                "quantity": quantity,
                "price": _amount(product.get("price"), "price", {}),
                "sku": _text(product.get("model")),
            }
        )
    return items


def _shipment(order: Mapping[str, Any], comment: str | None) -> ShipmentInfo | None:
    number = _text(order.get("tracking_number")) or tracking_from_comment(comment)
    if not number:
        return None
    carrier = _text(order.get("tracking_carrier"))
    url = _text(order.get("tracking_url"))
    if not (url and url.startswith(("https://", "http://"))):
        url = tracking_url(carrier, number)  # the module's carrier choice names a known one
    return ShipmentInfo(
        id="default",
        carrier=carrier_name(carrier) if carrier else None,
        tracking_number=number,
        tracking_url=url,
    )
