"""Saleor for Wismo: a Saleor App whose JWS-signed order webhooks become order events.

Pure parts apart from I/O: statuses.py (a table), manifest.py (the app's manifest),
webhooks.py (signature check against given keys, payload → events), api.py (the only module
that talks to the store: its JWKS and GraphQL API), routes.py (manifest and registration).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from flask import Blueprint
from wismo.sdk import (
    AdapterMetadata,
    ConfigError,
    ConfigField,
    InboundRequest,
    OrderEventIn,
)

from . import api, webhooks
from .routes import bp

FIRST_RECONCILE = timedelta(days=1)  # how far back the first reconciliation looks


class SaleorAdapter:
    """Saleor stores, through the Wismo Saleor App's webhooks and its GraphQL API."""

    name: ClassVar[str] = "saleor"
    metadata: ClassVar[AdapterMetadata] = AdapterMetadata(
        slug="saleor",
        label="Saleor",
        fields=(
            ConfigField(
                "api_url",
                "Saleor GraphQL API URL",
                secret=True,
                required=True,
                kind="url",
                help="e.g. https://store.example.com/graphql/ (the app is installed from "
                "/saleor/<shop key>/manifest)",
            ),
            ConfigField("app_token", "App token (set when the app is installed)", secret=True),
        ),
        reconcile_interval=900,
        shop_label="Saleor store",
        homepage="https://github.com/wismo/wismo/tree/main/examples/wismo-saleor",
    )

    @staticmethod
    def blueprint() -> Blueprint:
        """The app's manifest and registration routes."""
        return bp

    def verify(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        """Raise InvalidSignature unless the shop's Saleor signed the raw body."""
        api_url = str(secrets.get("api_url") or "")
        if not api_url:
            raise ConfigError("api_url is not set for this Saleor shop")
        try:
            webhooks.verify(request, api_url, api.jwks(api_url))
        except webhooks.UnknownKey:  # Saleor rotated its key: fetch the JWKS again, once
            webhooks.verify(request, api_url, api.jwks(api_url, refresh=True))

    def parse(
        self, request: InboundRequest, shop_settings: Mapping[str, Any]
    ) -> list[OrderEventIn]:
        """The events in a verified webhook."""
        return webhooks.parse(request)

    @staticmethod
    def reconcile(c: Any, shop: Any) -> Iterator[OrderEventIn]:
        """The events of orders changed since the last reconciliation (`wismo scheduler`)."""
        secrets = c.box.open(shop.secrets) if shop.secrets else {}
        if not secrets.get("app_token"):
            return  # the app is not installed yet: nothing to ask with
        state = shop.state or {}
        last = state.get("reconciled_at")
        since = datetime.fromisoformat(last) if last else datetime.now(UTC) - FIRST_RECONCILE
        for order in api.orders_since(secrets["api_url"], secrets["app_token"], since):
            key = f"poll:{order['id']}:{order['updatedAt']}"  # the same state, the same key
            yield from webhooks.order_events(order, key, order["updatedAt"])
