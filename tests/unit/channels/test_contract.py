"""Every registered `wismo.channels` plug-in loads, the built-in ones among them.

Each one's fit to the Channel protocol is checked by the contract kit (tests/contract),
which an agency's own package runs with `pytest --wismo-contract`.
"""

from __future__ import annotations

from core.plugins import CHANNELS, load_plugins

PLUGINS = load_plugins(CHANNELS)


def test_no_channel_plugin_failed_to_load() -> None:
    assert PLUGINS.failed == {}


def test_the_built_in_channels_are_among_them() -> None:
    assert {"smtp", "webhook", "outbox"} <= set(PLUGINS.loaded)
    assert {"twilio", "turbosms", "whatsapp_cloud", "telegram", "viber"} <= set(PLUGINS.loaded)
