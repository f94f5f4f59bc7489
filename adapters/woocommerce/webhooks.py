"""WooCommerce webhooks, pure: check the signature, recognise the ping, translate orders.

WooCommerce signs the raw body: `X-WC-Webhook-Signature` = base64(HMAC-SHA256(secret,
body)), the secret used as a plain string. On creation it sends a ping, a form POST
`webhook_id=N` with no signature and no X-WC-* headers, which must get a 200. Its
delivery id is not unique (two deliveries in one second share it), so an event is named
by webhook id, order id, `date_modified_gmt` and status instead. The payload is built
when it is delivered, so several quick changes can arrive as one delivery of the latest
state; `order.deleted` carries only `{"id": N}`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from core.adapters import InboundRequest
from core.domain.events import OrderEventIn
from core.errors import InvalidSignature, MalformedPayload

from .orders import order_events

SIGNATURE = "x-wc-webhook-signature"
_PING = re.compile(rb"^webhook_id=\d+$")


def header(request: InboundRequest, name: str) -> str | None:
    """A header by its case-insensitive name (Flask and test clients spell them differently)."""
    lowered = name.lower()
    return next((v for k, v in request.headers.items() if k.lower() == lowered), None)


def is_ping(request: InboundRequest) -> bool:
    """WooCommerce's creation ping: `webhook_id=N`, unsigned, without any X-WC-* header."""
    unsigned = not any(k.lower().startswith("x-wc-webhook-") for k in request.headers)
    return unsigned and bool(_PING.match(request.body.strip()))


def sign(secret: str, body: bytes) -> str:
    """The X-WC-Webhook-Signature WooCommerce sends for `body` (tests and the plugin use it)."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(request: InboundRequest, secrets: Iterable[str]) -> None:
    """Raise InvalidSignature unless one of the shop's secrets signed the raw body.

    The ping is let through: it carries no data, and WooCommerce disables a webhook
    whose ping fails.
    """
    if is_ping(request):
        return
    given = (header(request, SIGNATURE) or "").strip()
    if not given:
        raise InvalidSignature("missing X-WC-Webhook-Signature")
    try:
        given_bytes = base64.b64decode(given, validate=True)
    except ValueError:
        raise InvalidSignature("X-WC-Webhook-Signature is not base64") from None
    ok = False
    for secret in secrets:
        expected = hmac.new(secret.encode("utf-8"), request.body, hashlib.sha256).digest()
        ok |= hmac.compare_digest(expected, given_bytes)  # no early exit: time says nothing
    if not ok:
        raise InvalidSignature("X-WC-Webhook-Signature does not match")


def parse(request: InboundRequest, shop_settings: Mapping[str, Any]) -> list[OrderEventIn]:
    """The canonical events in one verified delivery (none for a ping or a deleted order)."""
    if is_ping(request):
        return []
    topic = (header(request, "x-wc-webhook-topic") or "").strip().lower()
    resource = (header(request, "x-wc-webhook-resource") or "order").strip().lower()
    if resource != "order" and not topic.startswith("order."):
        return []  # a webhook on another resource someone pointed here: nothing to follow
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedPayload(f"body is not valid JSON: {exc}") from None
    if not isinstance(body, dict) or "id" not in body:
        raise MalformedPayload("expected an order object with an id", {"id": "required"})
    if topic == "order.deleted" or set(body) == {"id"}:
        return []  # deleted or trashed: WooCommerce sends only the id; no message to send
    webhook_id = (header(request, "x-wc-webhook-id") or "0").strip()
    return order_events(body, f"wh{webhook_id}", shop_settings)
