"""The Shopify app: install, webhooks, privacy compliance, reconciliation, storefront.

statuses.py (tables) and webhooks.py / graphql.py (pure translation) carry no I/O;
api.py is the only module that speaks HTTP; auth.py, routes.py and proxy.py are the
Flask side; compliance.py and sync.py run the database work. See docs/shopify.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from core.adapters import InboundRequest
from core.domain.events import OrderEventIn
from core.errors import ConfigError
from core.plugins import AdapterMetadata

from . import webhooks

if TYPE_CHECKING:
    from flask import Blueprint

    from core.bootstrap import Container
    from core.storage.models import Shop


def make_blueprint() -> Blueprint:
    """The app's routes: /webhooks/shopify, install, embedded admin, app proxy."""
    from . import proxy  # noqa: F401  (registers the storefront routes on the blueprint)
    from .routes import bp

    return bp


def install_embedded_admin(app: Any) -> None:
    """Inside Shopify, the session token signs the merchant in to /admin."""
    from .embedded import install

    install(app)


class ShopifyAdapter:
    """Shopify: one app-wide webhook URL signed with the app's client secret."""

    name: ClassVar[str] = "shopify"
    metadata: ClassVar[AdapterMetadata] = AdapterMetadata(
        slug="shopify",
        label="Shopify",
        reconcile_interval=900,
        shop_label="Shopify store",
        merchant_sets_webhook=False,  # the app subscribes to its topics itself
    )
    blueprint = staticmethod(make_blueprint)
    init_app = staticmethod(install_embedded_admin)  # session tokens sign merchants in to /admin

    def verify(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        """Check X-Shopify-Hmac-Sha256 with the client secret (current, then previous).

        The generic route passes the app's secrets (WISMO_SHOPIFY_API_SECRET...) under the
        shop's own; a shop keeps none of its own.
        """
        secret, previous = (
            secrets.get("shopify_api_secret"),
            secrets.get("shopify_api_secret_previous"),
        )
        if not secret:
            raise ConfigError("WISMO_SHOPIFY_API_SECRET is not set")
        webhooks.verify(request.body, request.headers, secret, previous)

    def parse(
        self, request: InboundRequest, shop_settings: Mapping[str, Any]
    ) -> list[OrderEventIn]:
        """The events of one delivery; compliance topics are handled by the app's own route."""
        topic = webhooks.header(request.headers, "X-Shopify-Topic") or ""
        if topic in webhooks.COMPLIANCE_TOPICS or topic == "app/uninstalled":
            return []
        return webhooks.parse(topic, webhooks.load(request.body), request.headers)

    @staticmethod
    def run_pending(c: Container, shop_id: int) -> int:
        """The privacy requests kept for the shop, carried out (the `adapter_work` job)."""
        from .compliance import run_pending

        return run_pending(c, shop_id)

    @staticmethod
    def reconcile(c: Container, shop: Shop) -> Iterator[OrderEventIn]:
        """Orders updated since the last run, through the GraphQL Admin API."""
        from .sync import reconcile

        return reconcile(c, shop)

    @staticmethod
    def backfill(
        c: Container, shop: Shop, since: datetime
    ) -> Iterator[tuple[int, list[OrderEventIn]]]:
        """Open orders created since `since`, a page at a time, without messaging anyone."""
        from .sync import backfill

        return backfill(c, shop, since)
