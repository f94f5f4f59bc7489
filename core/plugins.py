"""Plug-ins found through entry points (`wismo.channels`, `wismo.adapters`, `wismo.carriers`).

Like karrio's loader, a plug-in that fails to import is recorded with its error
instead of taking the whole service down; `Plugins.failed` lists them for the admin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Literal

log = logging.getLogger(__name__)

CHANNELS = "wismo.channels"
ADAPTERS = "wismo.adapters"
CARRIERS = "wismo.carriers"


PluginKind = Literal["adapter", "channel", "carrier", "hook"]


@dataclass(frozen=True)
class ConfigField:
    """One setting a plug-in asks the merchant for (shown as a form field in the admin).

    Secret fields are sealed with the shop's other secrets and never shown back.
    """

    name: str
    label: str
    secret: bool = False
    required: bool = False
    help: str = ""
    kind: Literal["text", "url", "email", "phone", "number", "select", "bool"] = "text"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class PluginMetadata:
    """What a plug-in says about itself, as karrio's `PluginMetadata` does.

    Every plug-in (adapter, channel, carrier, hook) carries one as its class attribute
    `metadata`; the registry, the admin, the CLI and the contract kit read it instead of
    keeping lists of their own. `slug` equals the entry point name.
    """

    slug: str
    label: str
    kind: PluginKind
    fields: tuple[ConfigField, ...] = ()
    capabilities: frozenset[str] = frozenset()
    version: str = ""
    homepage: str = ""


@dataclass(frozen=True)
class Plugins:
    """The plug-ins of one entry point group: loaded objects, and errors by name."""

    group: str
    loaded: dict[str, object] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


_cache: dict[str, Plugins] = {}


def load_plugins(group: str) -> Plugins:
    """Load every entry point of `group` once; later calls return the cached result."""
    cached = _cache.get(group)
    if cached is not None:
        return cached
    plugins = Plugins(group)
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        if ep.name in plugins.loaded:
            # Two distributions claim the same slug: keep the first, say so.
            plugins.failed[f"{ep.name} ({ep.value})"] = "duplicate entry point name"
            continue
        try:
            plugins.loaded[ep.name] = ep.load()
        except Exception as exc:  # any failure to import is recorded, not raised
            plugins.failed[ep.name] = f"{type(exc).__name__}: {exc}"
            log.warning("plug-in %s:%s failed to load: %s", group, ep.name, exc)
    _cache[group] = plugins
    return plugins


def clear_plugin_cache(group: str | None = None) -> None:
    """Forget loaded plug-ins (of one group, or all), so tests can reload them."""
    if group is None:
        _cache.clear()
    else:
        _cache.pop(group, None)


def channel_classes() -> dict[str, type]:
    """Return the loaded `wismo.channels` plug-ins that are classes, by name."""
    return {
        name: obj for name, obj in load_plugins(CHANNELS).loaded.items() if isinstance(obj, type)
    }
