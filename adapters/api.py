"""The generic event API (`POST /api/v1/orders/events`): any CRM, ERP or custom shop.

Authentication is the shop's API key (checked by the webapp); this module only
validates and translates the JSON body, reporting every bad field at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from core.adapters import InboundRequest
from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.intake import LIMITS, InvalidEvent
from core.domain.statuses import parse_status
from core.errors import MalformedPayload
from core.plugins import AdapterMetadata

_CURRENCY = re.compile(r"^[A-Z]{3}$")


class ApiAdapter:
    """Events pushed by the merchant's own systems; authenticated by API key, not signature."""

    name: ClassVar[str] = "api"
    metadata: ClassVar[AdapterMetadata] = AdapterMetadata(
        slug="api", label="Event API", webhooks=False, shop_label="order system"
    )

    def verify(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        """Nothing to verify here: the bearer API key identified the shop already."""

    def parse(
        self, request: InboundRequest, shop_settings: Mapping[str, Any]
    ) -> list[OrderEventIn]:
        """The one event in the body, or MalformedPayload listing every bad field."""
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # 1,000-deep nesting
            raise MalformedPayload(f"body is not valid JSON: {exc}") from None
        return [parse_event(body)]


def parse_event(body: Any) -> OrderEventIn:
    """Validate an event API body and build the canonical event."""
    errors: dict[str, str] = {}
    if not isinstance(body, dict):
        raise MalformedPayload("body must be a JSON object", {"": "expected an object"})
    order = body.get("order")
    if not isinstance(order, dict):
        errors["order"] = "required, an object"
        order = {}
    event_id = _text(body, "event_id", errors, required=True, limit=200, numeric=True)
    order_id = _text(order, "id", errors, "order.", required=True, limit=100, numeric=True)
    status = None
    if not order.get("status"):
        errors["order.status"] = "required"
    else:
        try:
            status = parse_status(str(order["status"]))
        except ValueError as exc:
            errors["order.status"] = str(exc)
    occurred_at = _datetime(order, "occurred_at", errors)
    total = _decimal(order, "total", errors, "order.")
    currency = order.get("currency")
    if currency is not None and not (isinstance(currency, str) and _CURRENCY.match(currency)):
        errors["order.currency"] = "an ISO 4217 code such as UAH or EUR"
    customer = _customer(order.get("customer"), errors)
    shipment = _shipment(order.get("shipment"), errors)
    # the order's own date (e.g. in the confirmation, before any parcel exists) wins
    estimated = _date(order, "estimated_delivery", errors, "order.estimated_delivery")
    fields: dict[str, Any] = {
        "event_key": event_id,
        "source": "api",
        "order_id": order_id,
        "occurred_at": occurred_at,
        "status": status,
        "number": _text(order, "number", errors, "order.", limit=LIMITS["number"]),
        "customer": customer,
        "items": _items(order.get("items"), errors),
        "total": total,
        "shipping_total": _decimal(order, "shipping_total", errors, "order."),
        "refund_amount": _decimal(order, "refund_amount", errors, "order."),
        "placed_at": _datetime(order, "placed_at", errors, required=False),
        "currency": currency,
        "locale": customer.locale if customer else None,
        "estimated_delivery": estimated or (shipment.estimated_delivery if shipment else None),
        "reason": _text(order, "reason", errors, "order.", limit=4000),
        "shipment": shipment,
    }
    if errors:
        raise MalformedPayload("invalid event", errors)
    try:
        return OrderEventIn(**fields)
    except InvalidEvent as exc:  # the shared intake schema: column limits, ranges, tz names
        raise MalformedPayload(
            "invalid event", {_api_field(k): v for k, v in exc.errors.items()}
        ) from None


def _api_field(path: str) -> str:
    """The event API's name of an intake field ("customer.phone" -> "order.customer.phone")."""
    renamed = {"event_key": "event_id", "order_id": "order.id"}.get(path)
    return renamed or "order." + path.replace("customer.external_id", "customer.id")


def _text(
    obj: Mapping[str, Any],
    key: str,
    errors: dict[str, str],
    prefix: str = "",
    required: bool = False,
    limit: int = 200,
    numeric: bool = False,
) -> str | None:
    value = obj.get(key)
    if numeric and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # ERPs number their events and orders; openapi.json allows it
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[prefix + key] = "required"
        return None
    if not isinstance(value, str):  # as openapi.json says: [] is not a sku, 123 no parcel id
        errors[prefix + key] = "must be a string"
        return None
    text = str(value).strip()
    if len(text) > limit:
        errors[prefix + key] = f"at most {limit} characters"
        return None
    return text


def _datetime(
    order: Mapping[str, Any], key: str, errors: dict[str, str], required: bool = True
) -> datetime | None:
    value = order.get(key)
    if not value:
        if required:
            errors[f"order.{key}"] = "required, an ISO 8601 date-time with a time zone"
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors[f"order.{key}"] = "an ISO 8601 date-time such as 2026-11-22T10:00:00Z"
        return None
    if parsed.tzinfo is None:
        errors[f"order.{key}"] = "needs a time zone (for example Z or +02:00)"
        return None
    return parsed


def _date(obj: Mapping[str, Any], key: str, errors: dict[str, str], field: str) -> date | None:
    value = obj.get(key)
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        errors[field] = "an ISO 8601 date such as 2026-11-25"
        return None


def _decimal(obj: Mapping[str, Any], key: str, errors: dict[str, str], prefix: str) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors[prefix + key] = "a decimal amount such as 1250.00"
        return None
    if not amount.is_finite() or amount < 0:
        errors[prefix + key] = "a non-negative amount"
        return None
    return str(amount)


def _customer(value: Any, errors: dict[str, str]) -> CustomerInfo | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors["order.customer"] = "an object"
        return None
    email = _text(value, "email", errors, "order.customer.", limit=320)
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        errors["order.customer.email"] = "not an email address"
    # kept as typed ("+380 (50) 123-45-67, after 18:00"); the E.164 form is stored beside it
    phone = _text(value, "phone", errors, "order.customer.", limit=LIMITS["customer.phone"])
    if phone and len(re.sub(r"\D", "", phone)) < 5:
        errors["order.customer.phone"] = "not a phone number (use international format, +380...)"
    return CustomerInfo(
        name=_text(value, "name", errors, "order.customer."),
        email=email,
        phone=phone,
        locale=_text(value, "locale", errors, "order.customer.", limit=16),
        timezone=_text(value, "timezone", errors, "order.customer.", limit=64),
        external_id=_text(value, "id", errors, "order.customer.", limit=100),
    )


def _items(value: Any, errors: dict[str, str]) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        errors["order.items"] = "a list"
        return None
    items = []
    for i, item in enumerate(value):
        prefix = f"order.items[{i}]."
        if not isinstance(item, dict):
            errors[f"order.items[{i}]"] = "an object"
            continue
        name = _text(item, "name", errors, prefix, required=True)
        qty = item.get("quantity", 1)
        if not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
            errors[prefix + "quantity"] = "a whole number of at least 1"
        items.append(
            {
                "name": name,
                "quantity": qty,
                "price": _decimal(item, "price", errors, prefix),
                "sku": _text(item, "sku", errors, prefix, limit=100),
            }
        )
    return items


def _shipment(value: Any, errors: dict[str, str]) -> ShipmentInfo | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors["order.shipment"] = "an object"
        return None
    p = "order.shipment."
    url = _text(value, "tracking_url", errors, p, limit=2000)
    if url and not url.startswith(("https://", "http://")):
        errors[p + "tracking_url"] = "an http(s) URL"
    pickup = value.get("pickup_point")
    if pickup is not None and not isinstance(pickup, dict):
        errors[p + "pickup_point"] = "an object with name, address and hours"
        pickup = None
    count = value.get("items_count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        errors[p + "items_count"] = "a whole number"
        count = None
    return ShipmentInfo(
        id=_text(value, "id", errors, p, limit=100) or "default",
        carrier=_text(value, "carrier", errors, p, limit=100),
        tracking_number=_text(value, "tracking_number", errors, p, limit=100),
        tracking_url=url,
        estimated_delivery=_date(value, "estimated_delivery", errors, p + "estimated_delivery"),
        pickup_point=pickup,
        items_count=count,
    )
