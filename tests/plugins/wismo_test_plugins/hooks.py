"""Per-client rules for the shop of one agency client (settings `"client": "kettle-co"`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from wismo.sdk import HookMessage, HookShop, OrderEventIn, PluginMetadata


def _ours(shop: HookShop) -> bool:
    return shop.settings.get("client") == "kettle-co"


class ClientRules:
    """Drops the client's test orders, prefixes its order numbers, adds loyalty points to
    templates and sends it no SMS (the client pays for none)."""

    metadata: ClassVar[PluginMetadata] = PluginMetadata(
        slug="client_rules", label="Kettle Co rules", kind="hook"
    )

    def adjust_event(self, shop: HookShop, event: OrderEventIn) -> OrderEventIn | None:
        if not _ours(shop):
            return event
        if event.order_id.startswith("TEST-"):
            return None
        return replace(event, number=f"KC-{event.number or event.order_id}")

    def template_variables(self, shop: HookShop, message: HookMessage) -> Mapping[str, Any]:
        if not _ours(shop):
            return {}
        return {"loyalty_points": 120, "order_number": "hijacked"}

    def veto(self, shop: HookShop, message: HookMessage) -> str | None:
        if _ours(shop) and message.channel == "sms":
            return "Kettle Co sends no SMS"
        return None


class Clumsy:
    """A hook with a bug in every method: Wismo must deliver as if it were not there."""

    metadata: ClassVar[PluginMetadata] = PluginMetadata(slug="clumsy", label="Clumsy", kind="hook")

    def adjust_event(self, shop: HookShop, event: OrderEventIn) -> OrderEventIn | None:
        raise RuntimeError("clumsy adjust")

    def template_variables(self, shop: HookShop, message: HookMessage) -> Mapping[str, Any]:
        raise RuntimeError("clumsy variables")

    def veto(self, shop: HookShop, message: HookMessage) -> str | None:
        raise RuntimeError("clumsy veto")
