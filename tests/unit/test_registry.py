"""The plug-in registry: metadata, capabilities, message kinds and load failures."""

from __future__ import annotations

from importlib.metadata import distribution
from typing import Any, ClassVar

from core import registry
from core.plugins import SDK_VERSION, AdapterMetadata, ChannelMetadata, ConfigField, sdk_mismatch
from wismo.sdk.testing import adapter_problems, channel_problems, hook_problems, installed

# The adapters Wismo itself ships; outside packages installed next to it (the suite installs
# examples/wismo-saleor) are registered too, and are not what these tests count.
BUILT_IN = {e.name for e in distribution("wismo").entry_points if e.group == "wismo.adapters"}


def test_every_built_in_plugin_declares_metadata_that_fits() -> None:
    for slug, found in registry.adapters().items():
        assert not found.legacy and adapter_problems(found.plugin, slug) == [], slug
    for slug, found in registry.channels().items():
        assert not found.legacy and channel_problems(found.plugin, slug) == [], slug


def test_platforms_and_their_labels_come_from_the_adapters() -> None:
    assert {k: v for k, v in registry.platforms().items() if k in BUILT_IN} == {
        "api": "Event API",
        "opencart": "OpenCart",
        "shopify": "Shopify",
        "woocommerce": "WooCommerce",
    }


def test_capabilities_are_found_by_protocol_not_by_name_lists() -> None:
    assert set(registry.adapters("reconciles")) & BUILT_IN == {"shopify", "woocommerce"}
    assert set(registry.adapters("store_plugin")) & BUILT_IN == {"opencart", "woocommerce"}
    assert registry.adapters("routes").keys() & BUILT_IN == {"shopify", "woocommerce"}
    assert set(registry.channels(capability="receipts")) == {
        "telegram",
        "twilio",
        "viber",
        "whatsapp_cloud",
    }


def test_built_in_message_kinds_keep_their_order_folders_and_quiet_hours() -> None:
    kinds = registry.kinds()
    assert list(kinds) == ["email", "sms", "whatsapp", "telegram", "viber", "webhook"]
    assert {k: v.templates for k, v in kinds.items()} == {
        "email": "email",
        "sms": "sms",
        "whatsapp": "messenger",
        "telegram": "messenger",
        "viber": "messenger",
        "webhook": "",
    }
    assert {k for k, v in kinds.items() if v.quiet} == {"sms", "whatsapp", "telegram", "viber"}
    assert {k for k, v in kinds.items() if v.opt_in} == {"telegram", "viber"}
    assert kinds["webhook"].address is None  # the merchant's own system


def test_providers_for_a_kind() -> None:
    assert set(registry.channels(kind="sms")) == {"outbox", "turbosms", "twilio"}
    assert set(registry.channels(kind="whatsapp")) == {"outbox", "twilio", "whatsapp_cloud"}


class OldStyleChannel:
    """A plug-in written before metadata existed: name, kinds, config_fields, accepted_as."""

    name: ClassVar[str] = "oldsms"
    kinds: ClassVar[frozenset[str]] = frozenset({"sms"})
    accepted_as: ClassVar[str] = "queued"
    config_fields: ClassVar[list[Any]] = [("token", "API token", True), ("sender", "Sender", False)]

    @classmethod
    def from_config(cls, config: Any, context: Any) -> OldStyleChannel:
        return cls()

    def send(self, message: Any) -> str:
        return "x"


def test_an_old_style_channel_gets_metadata_from_its_attributes() -> None:
    with installed("channel", "oldsms", OldStyleChannel):
        found = registry.channel("oldsms")
        assert found is not None and found.legacy
        meta = found.metadata
        assert isinstance(meta, ChannelMetadata)
        assert (meta.slug, meta.label, meta.accepted_as) == ("oldsms", "oldsms", "queued")
        assert meta.fields == (
            ConfigField("token", "API token", secret=True),
            ConfigField("sender", "Sender"),
        )
        assert "oldsms" in registry.channels(kind="sms")
        assert channel_problems(OldStyleChannel, "oldsms") == [
            "no `metadata` (a PluginMetadata) on the class"
        ]
    assert registry.channel("oldsms") is None


def test_an_outside_package_brings_a_platform_a_kind_and_hooks(test_plugins) -> None:
    acme = registry.adapter("acme")
    assert acme is not None and isinstance(acme.metadata, AdapterMetadata)
    assert registry.platforms()["acme"] == "Acme Commerce"
    assert adapter_problems(acme.plugin, "acme") == []
    assert list(registry.kinds()) == [
        "email",
        "sms",
        "whatsapp",
        "telegram",
        "viber",
        "push",
        "webhook",
    ]
    assert set(registry.channels(kind="push")) == {"pushy"}
    assert channel_problems(registry.channels()["pushy"].plugin, "pushy") == []
    hooks = registry.hooks()
    assert set(hooks) == {"client_rules", "clumsy"}
    assert all(hook_problems(h.plugin, slug) == [] for slug, h in hooks.items())


def test_the_registry_lists_what_failed_to_load(test_plugins) -> None:
    (failure,) = registry.failures()
    assert (failure.group, failure.name) == ("wismo.hooks", "missing")
    assert failure.error.startswith("ModuleNotFoundError: ")


def test_without_the_package_its_plugins_are_gone(test_plugins, monkeypatch) -> None:
    monkeypatch.undo()
    from core.plugins import clear_plugin_cache

    clear_plugin_cache()
    assert "acme" not in registry.platforms() and "push" not in registry.kinds()
    assert registry.failures() == []


def test_a_plugin_names_the_sdk_it_needs_and_another_is_refused_with_why() -> None:
    def plugin(sdk: str) -> Any:
        return type("P", (), {"metadata": AdapterMetadata(slug="p", label="P", sdk=sdk)})

    assert SDK_VERSION == "1.2.0"
    assert sdk_mismatch(plugin("")) is None  # not declared: trusted, as before 1.1
    assert sdk_mismatch(plugin(">=1.1,<2")) is None
    assert sdk_mismatch(plugin(">=1.0")) is None
    assert sdk_mismatch(plugin(">=2,<3")) == (
        "built for wismo.sdk >=2,<3, but this Wismo has wismo.sdk 1.2.0: install a release "
        "of the plug-in made for it, or a Wismo whose SDK it names"
    )
    assert "not a version specifier" in (sdk_mismatch(plugin("one point one")) or "")


def test_config_labels_come_in_the_plugins_words_else_the_catalogues() -> None:
    own = ConfigField("token", "API token", labels={"uk": "Токен API"}, help="Keep it secret")
    assert (own.label_in("uk"), own.label_in("ru"), own.label_in("en")) == (
        "Токен API",
        "Токен API",  # Wismo's catalogue has "API token" in ru
        "API token",
    )
    assert own.help_in("uk") == "Keep it secret"  # no uk words anywhere: English
    assert ConfigField("x", "Unheard of").label_in("uk") == "Unheard of"
