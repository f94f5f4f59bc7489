"""Saleor webhooks, pure: the detached JWS checked against the store's keys, events out.

Saleor signs each webhook body with its RSA key: `Saleor-Signature` is a JWS in compact form
with a detached, unencoded payload (RFC 7797: `b64: false`, RS256, the key's `kid`), whose
payload is the raw body. The keys are the store's JWKS, `/.well-known/jwks.json` next to its
GraphQL API; `Saleor-Api-Url` names the API and must be the shop's own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import jwt
from wismo.sdk import (
    CustomerInfo,
    InboundRequest,
    InvalidSignature,
    MalformedPayload,
    OrderEventIn,
    ShipmentInfo,
)

from .statuses import STATUSES

SIGNATURE = "Saleor-Signature"
API_URL = "Saleor-Api-Url"
EVENT = "Saleor-Event"


class UnknownKey(InvalidSignature):
    """The signature names a key the JWKS we hold does not have (fetch it again once)."""


def header(headers: Mapping[str, str], name: str) -> str:
    """A header's value, whatever the case of its name ("" when absent)."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), "")


def same_api(a: str, b: str) -> bool:
    """Whether two Saleor API URLs name the same API (a trailing slash aside)."""
    return a.strip().rstrip("/") == b.strip().rstrip("/")


def verify(request: InboundRequest, api_url: str, jwks: Mapping[str, Any]) -> None:
    """Raise InvalidSignature unless the store at `api_url` signed the raw body."""
    if not same_api(header(request.headers, API_URL), api_url):
        raise InvalidSignature("the webhook names another Saleor API than the shop's")
    token = header(request.headers, SIGNATURE).strip()
    if not token:
        raise InvalidSignature(f"{SIGNATURE} is missing")
    try:
        head = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidSignature(f"{SIGNATURE} is not a JWS") from None
    if head.get("alg") != "RS256":
        raise InvalidSignature(f"{SIGNATURE} must be RS256, not {head.get('alg')!r}")
    key = next((k for k in jwks.get("keys", ()) if k.get("kid") == head.get("kid")), None)
    if key is None:
        raise UnknownKey(f"no key {head.get('kid')!r} in the store's JWKS")
    try:
        jwt.api_jws.decode_complete(
            token, key=jwt.PyJWK(key), algorithms=["RS256"], detached_payload=request.body
        )
    except jwt.PyJWTError as exc:
        raise InvalidSignature(f"{SIGNATURE} does not sign this body: {exc}") from None


def parse(request: InboundRequest) -> list[OrderEventIn]:
    """The events of one verified webhook ([] for a status that deliberately sends nothing)."""
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedPayload(f"body is not valid JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("order"), dict):
        raise MalformedPayload("expected a subscription payload with an order", {"order": "?"})
    kind = str(body.get("__typename") or header(request.headers, EVENT) or "event")
    order = body["order"]
    when = body.get("issuedAt") or order.get("updatedAt")
    # the same delivery, retried, carries the same payload: the same key
    return order_events(order, f"{kind}:{order.get('id')}:{when}", when)


def order_events(order: Mapping[str, Any], event_key: str, when: Any) -> list[OrderEventIn]:
    """The event for one Saleor order (a webhook's or a reconciliation query's)."""
    status_name = str(order.get("status") or "").upper()
    if status_name in STATUSES and STATUSES[status_name] is None:
        return []
    if not order.get("id"):
        raise MalformedPayload("the order has no id", {"order.id": "required"})
    try:
        occurred_at = datetime.fromisoformat(str(when))
    except ValueError:
        raise MalformedPayload("no time in the payload", {"issuedAt": str(when)}) from None
    if occurred_at.tzinfo is None:
        raise MalformedPayload("the time has no zone", {"issuedAt": str(when)})
    gross = ((order.get("total") or {}).get("gross")) or {}
    return [
        OrderEventIn(
            event_key=event_key,
            source="saleor",
            order_id=str(order["id"]),
            occurred_at=occurred_at,
            status=STATUSES.get(status_name),  # an unknown status updates the facts only
            number=str(order.get("number") or "") or None,
            customer=_customer(order),
            items=[
                {"name": line.get("productName"), "quantity": line.get("quantity")}
                for line in order.get("lines") or ()
                if isinstance(line, dict)
            ]
            or None,
            total=str(gross["amount"]) if gross.get("amount") is not None else None,
            currency=gross.get("currency"),
            locale=_locale(order.get("languageCodeEnum")),
            shipment=_shipment(order.get("fulfillments")),
        )
    ]


def _customer(order: Mapping[str, Any]) -> CustomerInfo:
    address = order.get("shippingAddress") or order.get("billingAddress") or {}
    name = " ".join(p for p in (address.get("firstName"), address.get("lastName")) if p)
    return CustomerInfo(
        name=name or None, email=order.get("userEmail"), phone=address.get("phone") or None
    )


def _locale(code: Any) -> str | None:
    """Saleor's `LanguageCodeEnum` (EN_US, UK_UA, RU) → en, uk, ru."""
    return str(code).split("_")[0].lower() if code else None


def _shipment(fulfillments: Any) -> ShipmentInfo | None:
    """The newest fulfillment with a tracking number, as the order's parcel."""
    tracked = [f for f in fulfillments or () if isinstance(f, dict) and f.get("trackingNumber")]
    if not tracked:
        return None
    newest = max(tracked, key=lambda f: str(f.get("created") or ""))
    return ShipmentInfo(id=str(newest["id"]), tracking_number=str(newest["trackingNumber"]))
