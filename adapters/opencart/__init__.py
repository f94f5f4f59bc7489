"""OpenCart: the Python receiver for the Wismo OpenCart module (module/ holds the PHP).

OpenCart has no webhooks; the module listens to the order history event and pushes
signed JSON to `POST /webhooks/opencart/<shop_key>`. This adapter verifies and
translates those pushes and builds the installable `.ocmod.zip` archives.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from core.adapters import InboundRequest
from core.domain.events import OrderEventIn
from core.plugins import AdapterMetadata
from core.shop_settings import settings_of

from .package import package_modules
from .webhooks import parse_push, pulled_events, verify_push

if TYPE_CHECKING:
    from core.bootstrap import Container
    from core.storage.models import Shop


class OpenCartAdapter:
    """Signed pushes from the OpenCart 3.0 and 4.x modules."""

    name: ClassVar[str] = "opencart"
    metadata: ClassVar[AdapterMetadata] = AdapterMetadata(
        slug="opencart", label="OpenCart", status_map=True, shop_label="OpenCart store"
    )

    def verify(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        """Raise InvalidSignature unless the shop's secret signed the push within 5 minutes."""
        verify_push(request, secrets)

    def parse(
        self, request: InboundRequest, shop_settings: Mapping[str, Any]
    ) -> list[OrderEventIn]:
        """The order event in the push, with the shop's status mapping applied."""
        return parse_push(request, shop_settings)

    @staticmethod
    def backfill(
        c: Container, shop: Shop, since: datetime
    ) -> Iterator[tuple[int, list[OrderEventIn]]]:
        """Open orders placed since `since`, pulled from the module, one order at a time."""
        from .api import open_orders

        settings = settings_of(shop)
        url = settings.store_url or settings.opencart.store_url
        if not url:
            from core.errors import ConfigError

            raise ConfigError(f"shop {shop.key} has no store URL (wismo shops add --url ...)")
        secret = c.box.open(shop.secrets)["webhook_secret"]
        for total, orders in open_orders(str(url), secret, since):
            for order in orders:
                yield total, pulled_events(order, settings.stored())

    @staticmethod
    def package_plugin(out_dir: Path, config: Mapping[str, str] | None = None) -> list[Path]:
        """Build the OpenCart 3.x and 4.x modules (pre-configured when `config` is given)."""
        return package_modules(Path(out_dir), config)
