"""Acme Commerce: a platform Wismo does not ship, posting HMAC-signed JSON order webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from wismo.sdk import (
    AdapterMetadata,
    ConfigField,
    CustomerInfo,
    InboundRequest,
    InvalidSignature,
    MalformedPayload,
    OrderEventIn,
    Status,
)

STATUSES = {"paid": Status.PROCESSING, "sent": Status.SHIPPED, "done": Status.DELIVERED}


class AcmeAdapter:
    """Verifies X-Acme-Signature (hex HMAC-SHA256 of the body) and reads one order event."""

    name: ClassVar[str] = "acme"
    metadata: ClassVar[AdapterMetadata] = AdapterMetadata(
        slug="acme",
        label="Acme Commerce",
        shop_label="Acme Commerce store",
        fields=(ConfigField("store_url", "Store address", kind="url"),),
        version="1.0",
    )

    def verify(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        given = next((v for k, v in request.headers.items() if k.lower() == "x-acme-signature"), "")
        key = str(secrets.get("webhook_secret") or "").encode()
        expected = hmac.new(key, request.body, hashlib.sha256).hexdigest()
        if not given or not hmac.compare_digest(expected, given):
            raise InvalidSignature("X-Acme-Signature does not match")

    def parse(
        self, request: InboundRequest, shop_settings: Mapping[str, Any]
    ) -> list[OrderEventIn]:
        try:
            body = json.loads(request.body)
            return [
                OrderEventIn(
                    event_key=str(body["id"]),
                    source="acme",
                    order_id=str(body["order"]),
                    number=str(body["order"]),
                    occurred_at=datetime.fromisoformat(body["at"]),
                    status=STATUSES[body["state"]],
                    customer=CustomerInfo(name=body.get("name"), email=body.get("email")),
                    locale="en",
                )
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise MalformedPayload(f"not an Acme order event: {exc!r}") from exc
