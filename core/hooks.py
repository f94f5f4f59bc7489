"""Per-client customisation through the `wismo.hooks` entry point group.

An agency package registers a class there; Wismo builds it once (no arguments) and calls
whichever of the three small protocols below it implements, for every shop. The hook
decides from `HookShop` (key, platform, settings) whether a shop is one of its clients.

A hook never blocks delivery: an exception inside one is logged with its traceback and
Wismo goes on as if that hook had not been installed (the event unchanged, no variables
added, the message not vetoed). A hook that fails to import is listed with the other
plug-in failures (`wismo plugins list`, `core.registry.failures()`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from core import registry
from core.domain.events import OrderEventIn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HookShop:
    """The shop a hook is asked about (a copy: changing it changes nothing)."""

    id: int
    key: str
    name: str
    platform: str
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HookMessage:
    """One message about to be planned or rendered."""

    channel: str  # the message kind: email, sms, telegram, push, ...
    status: str
    order_id: str  # the platform's order id
    order_number: str | None = None
    locale: str | None = None  # known when rendering, None when planning
    shipment: str | None = None


@runtime_checkable
class AdjustsEvents(Protocol):
    """Changes or drops an incoming event before it touches its order."""

    def adjust_event(self, shop: HookShop, event: OrderEventIn) -> OrderEventIn | None:
        """The event to process instead (itself when unchanged), or None to drop it."""
        ...


@runtime_checkable
class AddsTemplateVariables(Protocol):
    """Adds variables every template of the shop can use (`{{ loyalty_points }}`)."""

    def template_variables(self, shop: HookShop, message: HookMessage) -> Mapping[str, Any]:
        """New names only: a name Wismo already sets keeps Wismo's value."""
        ...


@runtime_checkable
class VetoesMessages(Protocol):
    """Stops a message from being planned for one shop (its reason is logged)."""

    def veto(self, shop: HookShop, message: HookMessage) -> str | None:
        """A reason to send nothing on this channel for this status, or None."""
        ...


_built: dict[int, tuple[str, Any]] = {}


def installed() -> list[tuple[str, Any]]:
    """The loaded hooks as (slug, instance), in slug order; built once per class."""
    out = []
    for slug, found in sorted(registry.hooks().items()):
        cls = found.plugin
        key = id(cls)
        if key not in _built or _built[key][0] != slug:
            try:
                _built[key] = (slug, cls() if isinstance(cls, type) else cls)
            except Exception:
                log.exception("hook %s could not be built: skipped", slug)
                continue
        out.append(_built[key])
    return out


def shop_view(shop: Any) -> HookShop:
    """What hooks see of a Shop row."""
    return HookShop(shop.id, shop.key, shop.name, shop.platform, dict(shop.settings or {}))


def adjust_event(shop: HookShop, event: OrderEventIn) -> OrderEventIn | None:
    """The event after every hook had its say; None when one dropped it."""
    for slug, hook in installed():
        if not isinstance(hook, AdjustsEvents):
            continue
        try:
            adjusted = hook.adjust_event(shop, event)
        except Exception:
            log.exception("hook %s failed adjusting event %s: ignored", slug, event.event_key)
            continue
        if adjusted is None:
            log.info("hook %s dropped event %s of shop %s", slug, event.event_key, shop.key)
            return None
        if not isinstance(adjusted, OrderEventIn):
            log.error("hook %s returned %r, not an OrderEventIn: ignored", slug, adjusted)
            continue
        event = adjusted
    return event


def template_variables(shop: HookShop, message: HookMessage, taken: Any) -> dict[str, Any]:
    """The hooks' extra template variables, minus names in `taken` (Wismo's own)."""
    extra: dict[str, Any] = {}
    for slug, hook in installed():
        if not isinstance(hook, AddsTemplateVariables):
            continue
        try:
            found = dict(hook.template_variables(shop, message))
        except Exception:
            log.exception("hook %s failed adding template variables: ignored", slug)
            continue
        for name, value in found.items():
            if name in taken:
                log.warning("hook %s may not replace the template variable %r", slug, name)
            else:
                extra[name] = value
    return extra


def vetoed(shop: HookShop, message: HookMessage) -> str | None:
    """The first hook's reason to stop this message, or None."""
    for slug, hook in installed():
        if not isinstance(hook, VetoesMessages):
            continue
        try:
            reason = hook.veto(shop, message)
        except Exception:
            log.exception("hook %s failed deciding on a message: not vetoed", slug)
            continue
        if reason:
            log.info(
                "hook %s vetoed the %s %s message of order %s: %s",
                slug,
                message.status,
                message.channel,
                message.order_id,
                reason,
            )
            return f"{slug}: {reason}"
    return None
