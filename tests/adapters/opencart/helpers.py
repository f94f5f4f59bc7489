"""A push exactly as the OpenCart module sends it (module/lib/Payload.php), signed."""

from __future__ import annotations

import json
import time
from typing import Any

from core.signing import sign_headers


def push_body(status_id: int = 3, status: str = "Shipped", **order: Any) -> dict[str, Any]:
    """The JSON of one order history change of order 42 (Olena, Ukrainian storefront)."""
    base = {
        "id": "42",
        "number": "42",
        "status_id": status_id,
        "status": status,
        "wismo_status": "",
        "facts_only": False,
        "comment": "ТТН 20450000000000",
        "notify": False,
        "customer": {
            "id": 7,
            "name": "Олена Петренко",
            "email": "olena@example.com",
            "phone": "+380501234567",
        },
        "language": "uk-ua",
        "currency": "UAH",
        "total": "1250.00",
        "totals": [{"code": "total", "title": "Total", "value": "1250.00"}],
        "products": [
            {
                "name": "Чайник",
                "model": "K-1",
                "quantity": 1,
                "price": "1250.00",
                "total": "1250.00",
            }
        ],
        "shipping": {"method": "Flat Shipping Rate", "city": "Київ"},
        "tracking_number": "",
        "store_url": "http://shop.example/",
        "date_modified": "2026-11-22T10:00:00+00:00",
        "occurred_at": "2026-11-22T10:00:00+00:00",
    }
    base.update(order)
    return {
        "event": "order.status_changed",
        "module": "1.0.0",
        "platform": "opencart 4.1.0.3",
        "order": base,
    }


def signed(
    secret: str, body: dict[str, Any], msg_id: str = "msg_1", timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """Body bytes and the webhook-* headers the module would send."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {**sign_headers(secret, msg_id, ts, raw), "Content-Type": "application/json"}
    return raw, headers
