"""OpenCart: the Python receiver for the Wismo OpenCart module (module/ holds the PHP).

OpenCart has no webhooks; the module listens to the order history event and pushes
signed JSON to `POST /webhooks/opencart/<shop_key>`. This adapter verifies and
translates those pushes and builds the installable `.ocmod.zip` archives.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from core.adapters import InboundRequest
from core.domain.events import OrderEventIn

from .package import package_modules
from .webhooks import parse_push, verify_push


class OpenCartAdapter:
    """Signed pushes from the OpenCart 3.0 and 4.x modules."""

    name: ClassVar[str] = "opencart"

    def verify(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        """Raise InvalidSignature unless the shop's secret signed the push within 5 minutes."""
        verify_push(request, secrets)

    def parse(
        self, request: InboundRequest, shop_settings: Mapping[str, Any]
    ) -> list[OrderEventIn]:
        """The order event in the push, with the shop's status mapping applied."""
        return parse_push(request, shop_settings)

    @staticmethod
    def package_plugin(out_dir: Path, config: Mapping[str, str] | None = None) -> list[Path]:
        """Build the OpenCart 3.x and 4.x modules (pre-configured when `config` is given)."""
        return package_modules(Path(out_dir), config)
