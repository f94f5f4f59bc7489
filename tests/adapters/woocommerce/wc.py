"""Shared helpers for the WooCommerce tests: published payloads, variations, signed deliveries."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from adapters.woocommerce.webhooks import sign

FIXTURES = Path(__file__).parents[2] / "fixtures" / "woocommerce"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def order(status: str = "processing", **changes: Any) -> dict[str, Any]:
    """WooCommerce's documented v3 order (docs_v3_order_retrieve_response.json), varied."""
    body = copy.deepcopy(fixture("docs_v3_order_retrieve_response.json"))
    body["status"] = status
    body.update(changes)
    return body


def tracking_meta(*items: dict[str, Any]) -> dict[str, Any]:
    """The `_wc_shipment_tracking_items` meta entry as the webhook carries it."""
    return {"id": 9001, "key": "_wc_shipment_tracking_items", "value": list(items)}


def tracking_item(number: str, provider: str = "USPS", **extra: Any) -> dict[str, Any]:
    item = {
        "tracking_provider": provider,
        "custom_tracking_provider": "",
        "custom_tracking_link": "",
        "tracking_number": number,
        "date_shipped": "1763769600",
        "tracking_id": f"t-{number}",
    }
    item.update(extra)
    return item


def delivery(
    body: dict[str, Any] | bytes,
    secret: str,
    topic: str = "order.updated",
    webhook_id: int = 12,
    delivery_id: str = "a1b2c3",
) -> tuple[bytes, dict[str, str]]:
    """Raw body and the headers WooCommerce sends with it (WC_Webhook::get_delivery headers)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    resource, event = topic.split(".")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "WooCommerce/10.0.2 Hookshot (WordPress/6.8)",
        "X-WC-Webhook-Source": "https://shop.example.com/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": sign(secret, raw),
        "X-WC-Webhook-ID": str(webhook_id),
        "X-WC-Webhook-Delivery-ID": delivery_id,
    }
    return raw, headers
