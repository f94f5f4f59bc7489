"""The plug-in registry: every adapter, channel, carrier and hook with its metadata.

The host keeps no list of plug-in names: platforms, channel providers, message kinds,
carriers and their labels, fields and capabilities all come from here, read off the
entry point groups (built-in plug-ins register exactly as outside packages do).

A plug-in written before `metadata` existed (a `name`, `kinds`, `config_fields`,
`accepted_as` on the class) still loads: its metadata is read off those attributes.
`config_fields` is deprecated; declare `metadata = ChannelMetadata(..., fields=...)`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from core.capabilities import ADAPTER_CAPABILITIES, CHANNEL_CAPABILITIES
from core.plugins import (
    ADAPTERS,
    CARRIERS,
    CHANNELS,
    HOOKS,
    AdapterMetadata,
    ChannelMetadata,
    ConfigField,
    MessageKind,
    PluginMetadata,
    load_plugins,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registered:
    """One loaded plug-in: its metadata, the class (or object) itself, what it can do."""

    metadata: PluginMetadata
    plugin: Any
    capabilities: frozenset[str]
    legacy: bool = False  # no `metadata` of its own: read off its older attributes

    @property
    def slug(self) -> str:
        return self.metadata.slug

    @property
    def label(self) -> str:
        return self.metadata.label

    def can(self, capability: str) -> bool:
        """Whether it offers `capability` ("reconciles", "receipts", ...)."""
        return capability in self.capabilities


@dataclass(frozen=True)
class Failure:
    """A plug-in that could not be loaded, and why."""

    group: str
    name: str
    error: str


def _fields(obj: Any) -> tuple[ConfigField, ...]:
    """A legacy class's `config_fields` ((name, label, secret) or mappings) as ConfigFields."""
    declared = getattr(obj, "config_fields", None) or ()
    out = []
    for f in declared:
        if isinstance(f, Mapping):
            given = {k: v for k, v in f.items() if k != "json"}
            out.append(ConfigField(**({**given, "kind": "json"} if f.get("json") else given)))
        else:
            name, label, *rest = f
            out.append(ConfigField(str(name), str(label), secret=bool(rest and rest[0])))
    return tuple(out)


def _metadata(group: str, slug: str, obj: Any) -> PluginMetadata:
    """The plug-in's own metadata, else what its legacy attributes say."""
    declared = getattr(obj, "metadata", None)
    wanted = {ADAPTERS: AdapterMetadata, CHANNELS: ChannelMetadata}.get(group)
    if isinstance(declared, PluginMetadata):
        if wanted is None or isinstance(declared, wanted):
            return declared
        # a plain PluginMetadata on an adapter or channel: the group's defaults for the rest
        return wanted(
            slug=declared.slug,
            label=declared.label,
            fields=declared.fields,
            capabilities=declared.capabilities,
            version=declared.version,
            homepage=declared.homepage,
        )
    label = str(getattr(obj, "label", "") or slug)
    if group == CHANNELS:
        return ChannelMetadata(
            slug=slug,
            label=label,
            fields=_fields(obj),
            accepted_as=getattr(obj, "accepted_as", None),
        )
    if group == ADAPTERS:
        return AdapterMetadata(
            slug=slug,
            label=label,
            reconcile_interval=int(getattr(obj, "reconcile_interval", 600)),
        )
    return PluginMetadata(slug=slug, label=label, kind="hook" if group == HOOKS else "carrier")


def _capabilities(group: str, meta: PluginMetadata, obj: Any) -> frozenset[str]:
    protocols = {ADAPTERS: ADAPTER_CAPABILITIES, CHANNELS: CHANNEL_CAPABILITIES}.get(group, {})
    found = {name for name, proto in protocols.items() if isinstance(obj, proto)}
    return frozenset(found) | meta.capabilities


_seen: dict[str, tuple[tuple[tuple[str, int], ...], dict[str, Registered]]] = {}


def registered(group: str) -> dict[str, Registered]:
    """Every loaded plug-in of `group` by slug, with its metadata (cached while unchanged)."""
    loaded = load_plugins(group).loaded
    key = tuple((slug, id(obj)) for slug, obj in loaded.items())
    cached = _seen.get(group)
    if cached is not None and cached[0] == key:
        return cached[1]
    out = {}
    for slug, obj in loaded.items():
        meta = _metadata(group, slug, obj)
        if meta.slug != slug:
            log.warning(
                "plug-in %s:%s calls itself %r; the entry point name wins", group, slug, meta.slug
            )
            meta = replace(meta, slug=slug)
        legacy = not isinstance(getattr(obj, "metadata", None), PluginMetadata)
        out[slug] = Registered(meta, obj, _capabilities(group, meta, obj), legacy)
    _seen[group] = (key, out)
    return out


def adapters(capability: str | None = None) -> dict[str, Registered]:
    """The installed platform adapters (optionally only those offering `capability`)."""
    found = registered(ADAPTERS)
    return {k: r for k, r in found.items() if capability is None or r.can(capability)}


def adapter(slug: str) -> Registered | None:
    """The adapter for platform `slug`, if installed."""
    return registered(ADAPTERS).get(slug)


def adapter_metadata(slug: str) -> AdapterMetadata | None:
    """The metadata of platform `slug`'s adapter, if installed."""
    found = adapter(slug)
    meta = found.metadata if found else None
    return meta if isinstance(meta, AdapterMetadata) else None


def merchant_sets_webhook(platform: str) -> bool:
    """Whether the merchant points the store at /webhooks/<platform>/<key> (its adapter says)."""
    meta = adapter_metadata(platform)
    return bool(meta and meta.webhooks and meta.merchant_sets_webhook)


def platforms() -> dict[str, str]:
    """Every platform a shop may be created on, slug → label."""
    return {slug: r.label for slug, r in sorted(adapters().items())}


def channels(kind: str | None = None, capability: str | None = None) -> dict[str, Registered]:
    """The installed channel providers (optionally only those carrying `kind` messages)."""
    return {
        slug: r
        for slug, r in registered(CHANNELS).items()
        if (kind is None or kind in carries(r)) and (capability is None or r.can(capability))
    }


def channel(slug: str) -> Registered | None:
    """The channel provider `slug`, if installed."""
    return registered(CHANNELS).get(slug)


def channel_metadata(slug: str) -> ChannelMetadata | None:
    """The metadata of channel provider `slug`, if installed."""
    found = channel(slug)
    meta = found.metadata if found else None
    return meta if isinstance(meta, ChannelMetadata) else None


def carries(r: Registered) -> frozenset[str]:
    """The message kinds a channel can carry."""
    return frozenset(getattr(r.plugin, "kinds", frozenset()))


def kinds() -> dict[str, MessageKind]:
    """Every message kind some installed channel defines, in display order.

    When two channels define the same kind, the first by slug wins (and a warning says so).
    """
    found: dict[str, MessageKind] = {}
    for slug in sorted(registered(CHANNELS)):
        meta = channel_metadata(slug)
        for k in meta.defines if meta else ():
            if k.name in found and found[k.name] != k:
                log.warning("message kind %r defined again by channel %s: ignored", k.name, slug)
                continue
            found[k.name] = k
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def kind(name: str) -> MessageKind | None:
    """The message kind `name`, if some installed channel defines it."""
    return kinds().get(name)


def carriers() -> dict[str, Registered]:
    """The installed carriers."""
    return registered(CARRIERS)


def hooks() -> dict[str, Registered]:
    """The installed per-client hooks (`wismo.hooks`)."""
    return registered(HOOKS)


def failure(group: str, name: str) -> str | None:
    """Why plug-in `name` of `group` failed to load, if it did."""
    return load_plugins(group).failed.get(name)


def failures() -> list[Failure]:
    """Every plug-in of every group that failed to load, with its error."""
    return [
        Failure(group, name, error)
        for group in (ADAPTERS, CHANNELS, CARRIERS, HOOKS)
        for name, error in sorted(load_plugins(group).failed.items())
    ]
