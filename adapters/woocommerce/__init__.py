"""The WooCommerce bridge: webhooks in, REST reconciliation, connect flow, the plugin zip.

Pure parts: statuses.py (the status table), orders.py and tracking.py (payload ->
events), webhooks.py (signature, ping). I/O: api.py (the only HTTP), connect.py and
sync.py (storage around it), views.py (the Flask routes), package.py (the zip).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from core.adapters import InboundRequest
from core.domain.events import OrderEventIn
from core.plugins import AdapterMetadata

from . import webhooks

if TYPE_CHECKING:
    from flask import Blueprint

    from core.bootstrap import Container
    from core.storage.models import Shop


def _blueprint() -> Blueprint:
    from .views import make_blueprint

    return make_blueprint()


class WooCommerceAdapter:
    """WooCommerce stores, through their webhooks and REST API and the Wismo plugin."""

    name: ClassVar[str] = "woocommerce"
    metadata: ClassVar[AdapterMetadata] = AdapterMetadata(
        slug="woocommerce",
        label="WooCommerce",
        status_map=True,
        reconcile_interval=600,
        shop_label="WooCommerce store",
    )
    blueprint = staticmethod(_blueprint)

    def verify(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        """The body must be signed with our registered secret (or the shop's whsec_, by hand)."""
        from .connect import WC_SECRET

        candidates = [secrets[k] for k in (WC_SECRET, "webhook_secret") if secrets.get(k)]
        webhooks.verify(request, candidates)

    def parse(
        self, request: InboundRequest, shop_settings: Mapping[str, Any]
    ) -> list[OrderEventIn]:
        """The events in a verified delivery; none for the ping or a deleted order."""
        return webhooks.parse(request, shop_settings)

    @staticmethod
    def reconcile(c: Container, shop: Shop) -> Iterator[OrderEventIn]:
        """Orders changed since the cursor, and webhooks WooCommerce disabled brought back."""
        from .sync import reconcile

        return reconcile(c, shop)

    @staticmethod
    def backfill(
        c: Container, shop: Shop, since: datetime
    ) -> Iterator[tuple[int, list[OrderEventIn]]]:
        """Open orders (on hold, processing) created since `since`, with the total."""
        from .sync import backfill

        return backfill(c, shop, since)

    @staticmethod
    def package_plugin(out_dir: Path, config: Mapping[str, str] | None = None) -> list[Path]:
        """Build wismo-woocommerce.zip, pre-configured when `config` is given."""
        from .package import package_plugin

        return [package_plugin(Path(out_dir), config)]
