"""Plug-ins found through entry points (`wismo.channels`, `wismo.adapters`, `wismo.carriers`).

Like karrio's loader, a plug-in that fails to import is recorded with its error
instead of taking the whole service down; `Plugins.failed` lists them for the admin.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from core.i18n import gettext

log = logging.getLogger(__name__)

SDK_VERSION = "1.2.0"
"""The version of `wismo.sdk`, the surface plug-ins import (semver; see wismo/sdk/__init__.py).

1.1.0 added `PluginMetadata.sdk`, `ConfigField.labels` / `help_texts` / `label_in`,
`MessageKind.label` / `labels`; 1.2.0 added `netguard` (calls to merchant-given URLs that
refuse private and internal addresses)."""

CHANNELS = "wismo.channels"
ADAPTERS = "wismo.adapters"
CARRIERS = "wismo.carriers"
HOOKS = "wismo.hooks"


PluginKind = Literal["adapter", "channel", "carrier", "hook"]


@dataclass(frozen=True)
class ConfigField:
    """One setting a plug-in asks the merchant for (shown as a form field in the admin).

    Secret fields are sealed with the shop's other secrets and never shown back.

    `label` and `help` are English. The admin shows them in its own language: from
    `labels` / `help_texts` (locale → text, e.g. `{"uk": "Ключ API", "ru": "Ключ API"}`)
    when the plug-in gives one, else through Wismo's gettext catalogues (where the built-in
    plug-ins' labels are translated: they mark them with `N_`), else in English.
    """

    name: str
    label: str
    secret: bool = False
    required: bool = False
    help: str = ""
    kind: Literal["text", "url", "email", "phone", "number", "select", "bool", "json"] = "text"
    """How the admin edits it; "json" is an object or list edited as JSON text."""
    choices: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict, compare=False)
    help_texts: Mapping[str, str] = field(default_factory=dict, compare=False)

    def label_in(self, locale: str | None) -> str:
        """The label in `locale` (the plug-in's own, Wismo's catalogue, or English)."""
        return translated(self.label, self.labels, locale)

    def help_in(self, locale: str | None) -> str:
        """The help text in `locale` ("" when there is none)."""
        return translated(self.help, self.help_texts, locale) if self.help else ""


def translated(english: str, given: Mapping[str, str], locale: str | None) -> str:
    """`english` in `locale`: the plug-in's own text for it, else Wismo's catalogue's."""
    own = given.get(locale or "") or ""
    if own or not english:
        return own
    return gettext(english, locale)


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
    sdk: str = ""
    """The `wismo.sdk` versions it was built for, as a specifier (">=1.1,<2"); a Wismo whose
    SDK_VERSION falls outside refuses to load it and says why (`wismo plugins list`)."""


@dataclass(frozen=True)
class AdapterMetadata(PluginMetadata):
    """An adapter's card: its platform's label and how the host treats its shops."""

    kind: str = "adapter"  # type: ignore[assignment]
    webhooks: bool = True  # POST /webhooks/<slug>/<shop_key> reaches it
    merchant_sets_webhook: bool = True  # the merchant points the store at that URL (CLI prints it)
    status_map: bool = False  # merchants map the platform's own order statuses in the admin
    reconcile_interval: int = 600  # seconds between reconciliations (when it Reconciles)
    shop_label: str = ""  # what the onboarding calls the merchant's side ("WooCommerce store")


AddressResolver = Callable[[Any, "str | None"], "str | None"]
"""(customer row, the shop's country) -> where a message of this kind goes, or None."""


@dataclass(frozen=True)
class MessageKind:
    """A kind of message (email, sms, push, ...): its templates and where it goes.

    Channels declare the kinds they bring in `ChannelMetadata.defines`; any channel whose
    `kinds` names one can then carry it. A kind with no `address` goes to the merchant's
    own system (the provider's `url`, as `webhook` does) rather than to the shopper.
    """

    name: str
    templates: str  # the folder under templates/<locale>/ its messages come from
    address: AddressResolver | None = None
    template_dir: Path | None = None  # a plug-in's own templates root (<locale>/<templates>/)
    quiet: bool = False  # buzzes a phone: held back during the shopper's quiet hours
    short_links: bool = False  # every character counts: links are /t/<code>
    opt_in: bool = False  # the shopper joins through an opt-in link (a chat or user id)
    order: int = 100  # where it stands among kinds in the admin and the policy matrix
    label: str = ""  # its name for merchants, in English ("Push"); empty: the built-in words
    labels: Mapping[str, str] = field(default_factory=dict, compare=False)  # locale → name

    def label_in(self, locale: str | None) -> str:
        """Its name for merchants in `locale` ("" when it has none of its own)."""
        return translated(self.label, self.labels, locale) if self.label else ""


@dataclass(frozen=True)
class ChannelMetadata(PluginMetadata):
    """A channel's card: what it carries, the kinds it defines, how it reports acceptance."""

    kind: str = "channel"  # type: ignore[assignment]
    defines: tuple[MessageKind, ...] = ()
    accepted_as: str | None = None  # Notification.delivery once the provider took it


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
            obj = ep.load()
        except Exception as exc:  # any failure to import is recorded, not raised
            plugins.failed[ep.name] = f"{type(exc).__name__}: {exc}"
            log.warning("plug-in %s:%s failed to load: %s", group, ep.name, exc)
            continue
        refused = sdk_mismatch(obj)
        if refused:
            plugins.failed[ep.name] = refused
            log.warning("plug-in %s:%s refused: %s", group, ep.name, refused)
            continue
        plugins.loaded[ep.name] = obj
    _cache[group] = plugins
    return plugins


def sdk_mismatch(plugin: object) -> str | None:
    """Why this Wismo cannot run `plugin` (its metadata's `sdk` excludes SDK_VERSION), or None."""
    meta = getattr(plugin, "metadata", None)
    wanted = getattr(meta, "sdk", "") if isinstance(meta, PluginMetadata) else ""
    if not wanted:
        return None
    try:
        specifier = SpecifierSet(wanted)
    except InvalidSpecifier:
        return f"metadata.sdk {wanted!r} is not a version specifier such as '>=1.1,<2'"
    if Version(SDK_VERSION) in specifier:
        return None
    return (
        f"built for wismo.sdk {wanted}, but this Wismo has wismo.sdk {SDK_VERSION}: "
        "install a release of the plug-in made for it, or a Wismo whose SDK it names"
    )


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
