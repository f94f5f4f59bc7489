"""Shopify webhooks, pure: verify the raw body's HMAC, translate each topic into events.

Bytes and headers in, canonical events out; no database, no HTTP. The verification
itself is Shopify's own `shopifyapp` (base64 HMAC-SHA256 of the raw body with the
client secret, current then previous, compared with `hmac.compare_digest`).

Idempotency and order: every event's key starts with `X-Shopify-Webhook-Id` (the same
on Shopify's retries of one delivery) and adds what keeps one delivery's events apart
(the fulfillment id); `occurred_at` is the resource's own `updated_at` / `happened_at`,
so a late or re-ordered delivery is recognised as stale by the core and never applied
backwards.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from shopify_app import verify_webhook_req

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo, utc_instant
from core.domain.statuses import Status
from core.errors import InvalidSignature, MalformedPayload
from core.rendering.locales import normalize_locale

from . import statuses

COMPLIANCE_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})
SOURCE = "shopify"


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, whatever its case."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def verify(body: bytes, headers: Mapping[str, str], secret: str, previous: str | None) -> None:
    """Raise InvalidSignature unless X-Shopify-Hmac-Sha256 signs `body` with either secret."""
    if not header(headers, "X-Shopify-Hmac-Sha256"):
        raise InvalidSignature("X-Shopify-Hmac-Sha256 is missing")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidSignature("the body is not UTF-8, so Shopify did not sign it") from None
    try:
        result = verify_webhook_req(
            {"method": "POST", "headers": dict(headers), "url": "", "body": text},
            {"client_id": "wismo", "client_secret": secret, "old_client_secret": previous},
        )
    except RecursionError:  # the library parses the body to redact its log: 1,000-deep JSON
        raise MalformedPayload("the body is nested too deep to be a Shopify payload") from None
    if not result.ok:
        raise InvalidSignature("X-Shopify-Hmac-Sha256 does not match the body")


def load(body: bytes) -> dict[str, Any]:
    """The JSON object in a verified body, or MalformedPayload."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedPayload(f"body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise MalformedPayload("body must be a JSON object")
    return data


def parse(topic: str, data: Mapping[str, Any], headers: Mapping[str, str]) -> list[OrderEventIn]:
    """The canonical events one delivery of `topic` carries ([] for topics we only note)."""
    key = header(headers, "X-Shopify-Webhook-Id") or header(headers, "X-Shopify-Event-Id")
    if not key:
        raise MalformedPayload("X-Shopify-Webhook-Id is missing")
    triggered = _time(header(headers, "X-Shopify-Triggered-At"))
    prefix = f"wh:{key}"
    if topic.startswith("orders/"):
        event = order_event(topic, data, prefix, triggered)
        return [event] if event else []
    if topic in ("fulfillments/create", "fulfillments/update"):
        event = fulfillment_event(data, prefix, triggered)
        return [event] if event else []
    if topic == "fulfillment_events/create":
        event = tracking_event(data, prefix, triggered)
        return [event] if event else []
    if topic == "refunds/create":
        return [refund_event(data, prefix, triggered)]
    if topic in statuses.RETURN_TOPIC:
        event = return_event(topic, data, prefix, triggered)
        return [event] if event else []
    return []


# --- orders -------------------------------------------------------------------------------


def order_status(topic: str, order: Mapping[str, Any]) -> Status | None:
    """What an orders/* delivery means for the shopper (None: only facts changed)."""
    if topic == "orders/create":
        return Status.PLACED
    if topic == "orders/cancelled" or order.get("cancelled_at"):
        return Status.CANCELLED
    if order.get("financial_status") == "refunded":
        return Status.REFUNDED
    if topic == "orders/paid" or order.get("financial_status") == "paid":
        return Status.PROCESSING
    return None


def order_event(
    topic: str, order: Mapping[str, Any], prefix: str, triggered: datetime | None
) -> OrderEventIn | None:
    """orders/create, /updated, /paid, /cancelled as one event (facts only when no status)."""
    if topic in ("orders/fulfilled", "orders/partially_fulfilled", "orders/delete"):
        return None  # the fulfillments/* topics carry each parcel; nothing more to say here
    order_id = _id(order.get("id"))
    status = order_status(topic, order)
    locale = normalize_locale(order.get("customer_locale")) or "en"
    at = _when(order, "created_at" if status == Status.PLACED else "updated_at", triggered)
    return OrderEventIn(
        event_key=f"{prefix}:{topic}",
        source=SOURCE,
        order_id=order_id,
        occurred_at=at,
        status=status,
        **order_facts(order),
        reason=statuses.cancel_reason(order.get("cancel_reason"), locale)
        if status == Status.CANCELLED
        else None,
    )


def order_facts(order: Mapping[str, Any]) -> dict[str, Any]:
    """Number, shopper, items, total and language from a REST order object.

    Money is the shopper's: the presentment amount with the presentment currency, as
    reconciliation reads it; the shop-currency strings only with the shop's currency.
    """
    total, currency = _money(order, "current_total_price")
    if total is None:
        total, currency = _money(order, "total_price")
    return {
        "number": str(order.get("name") or order.get("order_number") or "") or None,
        "customer": customer_of(order),
        "items": [
            {
                "name": str(li.get("name") or li.get("title") or ""),
                "quantity": _quantity(li),
                "price": _money(li, "price")[0],
                "sku": li.get("sku") or None,
            }
            for li in order.get("line_items") or []
            if isinstance(li, dict) and _quantity(li) > 0
        ]
        or None,
        "total": total,
        "shipping_total": _money(order, "total_shipping_price")[0],
        "placed_at": utc_instant(order.get("created_at")),
        "currency": currency,
        "locale": order.get("customer_locale") or None,
        "extra": {"order_status_url": order.get("order_status_url")}
        if order.get("order_status_url")
        else {},
    }


def _money(obj: Mapping[str, Any], key: str) -> tuple[str | None, str | None]:
    """(amount, currency) of `key`: its `_set` presentment money, else the plain shop amount."""
    shown = _obj(_obj(obj.get(f"{key}_set")).get("presentment_money"))
    if shown.get("amount") is not None:
        return str(shown["amount"]), shown.get("currency_code") or None
    if obj.get(key) is None:
        return None, None
    return str(obj[key]), obj.get("currency") or None  # the shop's amount in the shop's currency


def _quantity(line: Mapping[str, Any]) -> int:
    """What the shopper still gets: `current_quantity` (after removals and refunds)."""
    value = line.get("current_quantity")
    return int(value if value is not None else line.get("quantity") or 1)


def customer_of(order: Mapping[str, Any]) -> CustomerInfo | None:
    """The shopper: customer record first, then the order's contact and addresses."""
    cust, ship = _obj(order.get("customer")), _obj(order.get("shipping_address"))
    bill = _obj(order.get("billing_address"))
    name = " ".join(filter(None, (cust.get("first_name"), cust.get("last_name")))) or (
        ship.get("name") or bill.get("name")
    )
    email = order.get("email") or order.get("contact_email") or cust.get("email")
    phone = order.get("phone") or cust.get("phone") or ship.get("phone")
    if not (name or email or phone):
        return None
    return CustomerInfo(
        name=name or None,
        email=email or None,
        phone=phone or None,
        locale=order.get("customer_locale") or None,
        external_id=_id(cust["id"]) if cust.get("id") else None,
    )


# --- parcels ------------------------------------------------------------------------------


def fulfillment_event(
    f: Mapping[str, Any], prefix: str, triggered: datetime | None
) -> OrderEventIn | None:
    """One fulfillment: a parcel with carrier, tracking number(s) and link, and its status."""
    if f.get("order_id") is None or f.get("id") is None:
        raise MalformedPayload("a fulfillment needs id and order_id")
    _, status = statuses.parcel_status(f.get("status"), f.get("shipment_status"))
    name = str(f.get("name") or "")
    # no customer from here: the orders/* topics own the shopper's details
    return OrderEventIn(
        event_key=f"{prefix}:fulfillment:{_id(f['id'])}",
        source=SOURCE,
        order_id=_id(f["order_id"]),
        occurred_at=_when(f, "updated_at", triggered),
        status=status,
        number=name.rsplit(".", 1)[0] if "." in name else None,
        shipment=parcel(f),
    )


def parcel(f: Mapping[str, Any]) -> ShipmentInfo:
    """The shipment facts a fulfillment carries."""
    numbers = [n for n in f.get("tracking_numbers") or [f.get("tracking_number")] if n]
    urls = [u for u in f.get("tracking_urls") or [f.get("tracking_url")] if u]
    items = [li for li in f.get("line_items") or [] if isinstance(li, dict)]
    return ShipmentInfo(
        id=_id(f["id"]),
        carrier=f.get("tracking_company") or None,
        tracking_number=", ".join(str(n) for n in numbers) or None,
        tracking_url=str(urls[0]) if urls else None,
        estimated_delivery=_date(f.get("estimated_delivery_at")),
        items_count=sum(int(li.get("quantity") or 1) for li in items) if items else None,
    )


def tracking_event(
    e: Mapping[str, Any], prefix: str, triggered: datetime | None
) -> OrderEventIn | None:
    """fulfillment_events/create: the carrier's news for one parcel, with its new EDD."""
    status = statuses.shipment_status(e.get("status"))
    if e.get("order_id") is None or e.get("fulfillment_id") is None:
        raise MalformedPayload("a fulfillment event needs order_id and fulfillment_id")
    edd = _date(e.get("estimated_delivery_at"))
    return OrderEventIn(
        event_key=f"{prefix}:event:{_id(e.get('id'))}",
        source=SOURCE,
        order_id=_id(e["order_id"]),
        occurred_at=_when(e, "happened_at", triggered),
        status=status,
        estimated_delivery=edd,
        reason=e.get("message") or None if status == Status.EXCEPTION else None,
        shipment=ShipmentInfo(id=_id(e["fulfillment_id"]), estimated_delivery=edd),
        extra={k: e[k] for k in ("message", "city", "country") if e.get(k)},
    )


# --- money back and returns ---------------------------------------------------------------


def refund_event(r: Mapping[str, Any], prefix: str, triggered: datetime | None) -> OrderEventIn:
    """refunds/create: the refunded path, with the amount when the transactions say it."""
    if r.get("order_id") is None:
        raise MalformedPayload("a refund needs order_id")
    amount = sum(
        float(t.get("amount") or 0)
        for t in r.get("transactions") or []
        if isinstance(t, dict) and t.get("kind") == "refund" and t.get("status") != "failure"
    )
    return OrderEventIn(
        event_key=f"{prefix}:refund:{_id(r.get('id'))}",
        source=SOURCE,
        order_id=_id(r["order_id"]),
        occurred_at=_when(r, "processed_at", triggered, fallback="created_at"),
        status=Status.REFUNDED,
        refund_amount=f"{amount:.2f}" if amount else None,
    )


def return_event(
    topic: str, r: Mapping[str, Any], prefix: str, triggered: datetime | None
) -> OrderEventIn | None:
    """returns/*: requested, then returned; declines and cancellations change nothing shown."""
    status = statuses.RETURN_TOPIC.get(topic)
    order = _obj(r.get("order"))
    order_id = order.get("id") or order.get("admin_graphql_api_id") or r.get("order_id")
    if status is None:
        return None
    if not order_id:
        raise MalformedPayload("a return needs its order")
    return OrderEventIn(
        event_key=f"{prefix}:{topic}",
        source=SOURCE,
        order_id=_id(order_id),
        occurred_at=_when(r, "updated_at", triggered, fallback="created_at"),
        status=status,
    )


# --- small parsers ------------------------------------------------------------------------


def _obj(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one (absent or null in the payload)."""
    return value if isinstance(value, dict) else {}


def _id(value: Any) -> str:
    """A numeric id from a REST id or a GraphQL gid://shopify/Type/123."""
    text = str(value or "").strip()
    if not text:
        raise MalformedPayload("a required id is missing")
    return text.rsplit("/", 1)[-1]


_time = utc_instant


def _date(value: Any) -> date | None:
    parsed = _time(value)
    return parsed.date() if parsed else None


def _when(
    obj: Mapping[str, Any], key: str, triggered: datetime | None, fallback: str = "updated_at"
) -> datetime:
    """The resource's own time, else when Shopify triggered the webhook, else now."""
    return _time(obj.get(key)) or _time(obj.get(fallback)) or triggered or datetime.now(UTC)
