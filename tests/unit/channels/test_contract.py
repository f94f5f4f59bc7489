"""Every registered `wismo.channels` plug-in still fits the Channel protocol.

An agency's own channel package runs the same checks by installing itself next to Wismo.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from core.channels.base import Channel
from core.plugins import CHANNELS, load_plugins

PLUGINS = load_plugins(CHANNELS)


def test_no_channel_plugin_failed_to_load() -> None:
    assert PLUGINS.failed == {}


def test_the_built_in_channels_are_among_them() -> None:
    assert {"smtp", "webhook", "outbox"} <= set(PLUGINS.loaded)
    assert {"twilio", "turbosms", "whatsapp_cloud", "telegram", "viber"} <= set(PLUGINS.loaded)


@pytest.mark.parametrize("entry_name", sorted(PLUGINS.loaded))
def test_channel_fits_the_protocol(entry_name: str) -> None:
    assert inspect.isclass(PLUGINS.loaded[entry_name]), f"{entry_name} must point at a class"
    cls: Any = PLUGINS.loaded[entry_name]
    assert cls.name == entry_name, "the slug is the entry point name"
    assert isinstance(cls.kinds, frozenset) and cls.kinds, "kinds: a non-empty frozenset"
    assert all(isinstance(kind, str) and kind for kind in cls.kinds)
    from_config = inspect.getattr_static(cls, "from_config")
    assert isinstance(from_config, classmethod), "from_config must be a classmethod"
    assert len(inspect.signature(cls.from_config).parameters) == 2, "(config, context)"
    assert callable(getattr(cls, "send", None))
    assert len(inspect.signature(cls.send).parameters) == 2, "send(self, message)"
    # Channel has data members, so issubclass() is not available; check its names instead.
    for member in ("name", "kinds", "from_config", "send"):
        assert hasattr(Channel, member) or member in Channel.__annotations__
        assert hasattr(cls, member)
