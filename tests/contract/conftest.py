"""Contract vectors for the built-in adapters, channels and carriers (see wismo/testing)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.opencart.statuses import STOCK_STATUSES
from adapters.woocommerce.statuses import DEFAULTS, SILENT
from core.adapters import InboundRequest
from core.channels.base import ChannelContext
from core.domain.statuses import Status
from core.signing import sign_headers
from tests.adapters.opencart.helpers import push_body
from wismo.testing import AdapterVectors, CarrierVectors, ChannelVectors

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _b64_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def woocommerce(secret: str = "wc-secret-1") -> AdapterVectors:
    order = json.loads(
        (FIXTURES / "woocommerce" / "docs_v3_order_update_response.json").read_text()
    )

    def signer(key: str) -> Callable[[bytes], InboundRequest]:
        def sign(body: bytes) -> InboundRequest:
            headers = {
                "X-Wc-Webhook-Signature": _b64_hmac(key, body),
                "X-Wc-Webhook-Topic": "order.updated",
                "X-Wc-Webhook-Resource": "order",
                "X-Wc-Webhook-Id": "17",
                "Content-Type": "application/json",
            }
            return InboundRequest(body=body, headers=headers)

        return sign

    def body_for_status(status: str) -> bytes:
        return json.dumps({**order, "status": status}).encode()

    return AdapterVectors(
        body=json.dumps(order).encode(),
        sign=signer(secret),
        forge=signer("not-the-shop-secret"),
        secrets={"webhook_secret": secret},
        signature_headers=("X-Wc-Webhook-Signature",),
        # WooCommerce's own statuses (REST API v3 `status` enum) and the block checkout's draft
        statuses=(
            "pending",
            "processing",
            "on-hold",
            "completed",
            "cancelled",
            "refunded",
            "failed",
            "trash",
            "checkout-draft",
        ),  # fmt: skip
        status_table={**DEFAULTS, **dict.fromkeys(SILENT), "completed": Status.SHIPPED},
        body_for_status=body_for_status,
    )


def shopify(secret: str = "shpss_contract") -> AdapterVectors:
    body = (
        FIXTURES / "shopify" / "shopify_dev_webhook_sample_orders_updated_2026-07.json"
    ).read_bytes()

    def signer(key: str) -> Callable[[bytes], InboundRequest]:
        def sign(raw: bytes) -> InboundRequest:
            headers = {
                "X-Shopify-Hmac-Sha256": _b64_hmac(key, raw),
                "X-Shopify-Topic": "orders/updated",
                "X-Shopify-Shop-Domain": "contract.myshopify.com",
                "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
                "Content-Type": "application/json",
            }
            return InboundRequest(body=raw, headers=headers)

        return sign

    return AdapterVectors(
        body=body,
        sign=signer(secret),
        forge=signer("shpss_someone_else"),
        secrets={"shopify_api_secret": secret},
        signature_headers=("X-Shopify-Hmac-Sha256",),
    )


def opencart(
    secret: str = "whsec_" + base64.b64encode(b"contract-secret-32-bytes-long!!!").decode(),
) -> AdapterVectors:
    def signer(key: str) -> Callable[[bytes], InboundRequest]:
        def sign(body: bytes) -> InboundRequest:
            headers = {**sign_headers(key, "msg_1", int(time.time()), body)}
            return InboundRequest(
                body=body, headers={**headers, "Content-Type": "application/json"}
            )

        return sign

    def body_for_status(status_id: str) -> bytes:
        return json.dumps(push_body(status_id=int(status_id), status=f"#{status_id}")).encode()

    other = "whsec_" + base64.b64encode(b"another-secret-32-bytes-long!!!!").decode()
    return AdapterVectors(
        body=json.dumps(push_body()).encode(),
        sign=signer(secret),
        forge=signer(other),
        secrets={"webhook_secret": secret},
        signature_headers=("webhook-signature", "webhook-timestamp", "webhook-id"),
        # the fourteen order statuses OpenCart 3.0 and 4.x install (ids 1-16, no 4 or 6)
        statuses=tuple(str(i) for i in range(1, 17) if i not in (4, 6)),
        status_table={str(i): status for i, (_, status) in STOCK_STATUSES.items()},
        body_for_status=body_for_status,
    )


def api() -> AdapterVectors:
    body = {
        "event_id": "evt-1",
        "order": {
            "id": "1001",
            "status": "shipped",
            "occurred_at": "2026-11-22T10:00:00+00:00",
            "customer": {"email": "olena@example.com"},
        },
    }
    return AdapterVectors(
        body=json.dumps(body).encode(),
        sign=lambda raw: InboundRequest(body=raw),
        signature="none",  # the bearer API key is checked by the web app before parse
    )


CHANNELS: dict[str, ChannelVectors] = {
    "smtp": ChannelVectors(
        {"url": "smtp://user:pw@127.0.0.1:2525", "from_address": "shop@example.com"}
    ),
    "webhook": ChannelVectors({"url": "https://crm.example/hooks/wismo", "secret": "s3cret"}),
    "outbox": ChannelVectors({}, ChannelContext(record_outbox=lambda message, channel: "out-1")),
    "twilio": ChannelVectors(
        {"account_sid": "AC" + "0" * 32, "auth_token": "t0ken", "from": "+15005550006"}
    ),
    "turbosms": ChannelVectors({"token": "t0ken", "sender": "Shop"}),
    "whatsapp_cloud": ChannelVectors({"access_token": "t0ken", "phone_number_id": "1234567890"}),
    "telegram": ChannelVectors(
        {"bot_token": "123:ABC", "bot_username": "shop_bot", "webhook_secret": "s3cret"}
    ),
    "viber": ChannelVectors({"auth_token": "t0ken", "sender_name": "Shop"}),
}


def _statuses(table: dict[Any, Any]) -> dict[str, Any]:
    """A carrier's table as code -> canonical status (its entries carry more: a reason, ...)."""
    out = {}
    for code, entry in table.items():
        status = getattr(entry, "status", entry)
        out[str(code)] = status[0] if isinstance(status, tuple) else status
    return out


def carriers() -> dict[str, CarrierVectors]:
    """Every built-in carrier: a complete configuration, its documented codes, its table."""
    from core.carriers.demo import statuses as demo
    from core.carriers.karrio_bridge import statuses as karrio
    from core.carriers.meest import statuses as meest
    from core.carriers.novaposhta import statuses as novaposhta
    from core.carriers.seventeentrack import statuses as seventeen
    from core.carriers.ukrposhta import statuses as ukrposhta

    # Nova Poshta's documented StatusCode values (TrackingDocument.getStatusDocuments)
    np_codes = [str(c) for c in (*range(1, 13), 41, *range(101, 107), 111, 112)]
    vectors = {
        "novaposhta": CarrierVectors(
            {"api_key": "np-key"}, np_codes, _statuses(novaposhta.STATUS_CODES)
        ),
        "ukrposhta": CarrierVectors(
            {"bearer": "up-token"}, [str(c) for c in ukrposhta.EVENTS], _statuses(ukrposhta.EVENTS)
        ),
        "meest": CarrierVectors(
            {"username": "shop", "password": "secret"}, list(meest.CODES), _statuses(meest.CODES)
        ),
        "seventeentrack": CarrierVectors(
            {"api_key": "17-key"},
            [*seventeen.MAIN, *seventeen.SUB],
            {**_statuses(seventeen.MAIN), **_statuses(seventeen.SUB)},
        ),
        "demo": CarrierVectors(
            {"step_seconds": 60}, list(demo.STATUS_CODES), _statuses(demo.STATUS_CODES)
        ),
    }
    table = _statuses(karrio.TRACKING_STATUS)
    credentials = {
        "dhl_express": {"site_id": "site", "password": "secret"},
        "dhl": {"consumer_key": "key", "consumer_secret": "secret"},
        "ups": {"client_id": "id", "client_secret": "secret"},
        "fedex": {"track_api_key": "key", "track_secret_key": "secret"},
        "usps": {"client_id": "id", "client_secret": "secret"},
        "dpd": {"delis_id": "id", "password": "secret"},
        "gls": {"client_id": "id", "client_secret": "secret"},
        "canadapost": {"username": "user", "password": "secret"},
        "australiapost": {"api_key": "key", "password": "secret", "account_number": "1234"},
    }
    for slug, config in credentials.items():
        vectors[slug] = CarrierVectors(config, list(karrio.TRACKING_STATUS), table)
    return vectors


@pytest.fixture
def wismo_contract_vectors() -> dict[str, Any]:
    """The vectors of every built-in plug-in, by entry point name."""
    return {
        "woocommerce": woocommerce(),
        "shopify": shopify(),
        "opencart": opencart(),
        "api": api(),
        **CHANNELS,
        **carriers(),
    }
