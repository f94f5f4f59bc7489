"""Shopify test kit: an app with known credentials, signed deliveries, Shopify's payloads.

The Admin API is played by the local HTTP stub: the app's `shopify_admin_origin`
setting sends every https://<shop>.myshopify.com call there, Host header intact.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.shopify.api import Tokens
from adapters.shopify.tokens import save_tokens
from core.bootstrap import Container
from core.services.shops import create_shop
from tests.conftest import make_container

FIXTURES = Path(__file__).parents[2] / "fixtures" / "shopify"
API_KEY = "wismo-test-client-id"
SECRET = "shpss_current_test_secret_0123456789abcdef"
PREVIOUS = "shpss_previous_test_secret_0123456789abcdef"
DOMAIN = "wismo-test.myshopify.com"


def fixture(name: str) -> dict[str, Any]:
    """One of Shopify's published sample payloads (a fresh copy)."""
    data = json.loads((FIXTURES / name).read_text())
    return copy.deepcopy(data)


def sign(body: bytes, secret: str = SECRET) -> str:
    """X-Shopify-Hmac-Sha256 as Shopify computes it: base64 HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def make_shopify_container(database_url: str, origin: str, **overrides: Any) -> Container:
    return make_container(
        database_url,
        shopify_api_key=API_KEY,
        shopify_api_secret=SECRET,
        shopify_api_secret_previous=PREVIOUS,
        extra={"shopify_admin_origin": origin},
        **overrides,
    )


@pytest.fixture
def shopify_container(database_url: str, http_stub: Any) -> Iterator[Container]:
    """A container with the app's credentials, on SQLite and PostgreSQL."""
    c = make_shopify_container(database_url, http_stub.url)
    yield c
    c.engine.dispose()


@pytest.fixture
def client(shopify_container: Container) -> Any:
    from webapp.app import create_app

    return create_app(container=shopify_container).test_client()


def install(
    c: Container, domain: str = DOMAIN, expires_in: timedelta = timedelta(hours=1), **settings: Any
) -> int:
    """A Shopify shop as if installed: email on, debounce and quiet hours off, tokens kept."""
    policy = {"debounce_seconds": 0, "quiet_hours": ["00:00", "00:00"]}
    with c.session() as s:
        shop = create_shop(
            s,
            c.box,
            name="Wismo Test Store",
            platform="shopify",
            domain=domain,
            settings={"policy": policy, **settings},
        ).shop
        now = datetime.now(UTC)
        save_tokens(
            c.box,
            shop,
            Tokens(
                "shpat_old_access",
                "shprt_old_refresh",
                now + expires_in,
                now + timedelta(days=90),
                "read_orders",
            ),
        )
        s.commit()
        return shop.id


class Deliver:
    """POST /webhooks/shopify as Shopify would: signed body, its headers."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.count = 0

    def __call__(
        self,
        topic: str,
        payload: Any,
        *,
        webhook_id: str | None = None,
        domain: str = DOMAIN,
        secret: str = SECRET,
        hmac_value: str | None = None,
        triggered_at: str = "2026-11-22T10:00:00Z",
    ) -> Any:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.count += 1
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": domain,
            "X-Shopify-Webhook-Id": webhook_id or f"wh-{self.count}",
            "X-Shopify-Event-Id": f"ev-{self.count}",
            "X-Shopify-Triggered-At": triggered_at,
            "X-Shopify-API-Version": "2026-10",
            "X-Shopify-Hmac-Sha256": hmac_value if hmac_value is not None else sign(body, secret),
        }
        return self.client.post("/webhooks/shopify", data=body, headers=headers)


@pytest.fixture
def deliver(client: Any) -> Deliver:
    return Deliver(client)
