"""The entry point loader: loads, caches, and records plug-ins that fail to import."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint

import pytest

from core import plugins
from core.channels.outbox import OutboxChannel
from core.channels.smtp import SmtpChannel
from core.channels.webhook import WebhookChannel

GROUP = "wismo.test_plugins"


@pytest.fixture
def fake_group(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[EntryPoint]]:
    """Entry points of GROUP, editable by the test; the cache is cleared around it."""
    eps: list[EntryPoint] = []

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        return [ep for ep in eps if ep.group == group]

    monkeypatch.setattr(plugins, "entry_points", fake_entry_points)
    plugins.clear_plugin_cache()
    yield eps
    plugins.clear_plugin_cache()


def ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


def test_the_built_in_channels_are_registered() -> None:
    plugins.clear_plugin_cache(plugins.CHANNELS)
    classes = plugins.channel_classes()
    assert classes["outbox"] is OutboxChannel
    assert classes["smtp"] is SmtpChannel
    assert classes["webhook"] is WebhookChannel
    assert plugins.load_plugins(plugins.CHANNELS).failed == {}


def test_a_failing_plugin_is_recorded_not_raised(fake_group: list[EntryPoint]) -> None:
    fake_group += [
        ep("good", "core.channels.outbox:OutboxChannel"),
        ep("missing", "wismo_no_such_package.channel:Nope"),
        ep("badattr", "core.channels.outbox:NoSuchClass"),
    ]
    loaded = plugins.load_plugins(GROUP)
    assert loaded.loaded == {"good": OutboxChannel}
    assert set(loaded.failed) == {"missing", "badattr"}
    assert loaded.failed["missing"].startswith("ModuleNotFoundError: ")
    assert "NoSuchClass" in loaded.failed["badattr"]


def test_a_plugin_raising_at_import_is_recorded(
    fake_group: list[EntryPoint], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "wismo_broken_plugin.py").write_text("raise RuntimeError('boom at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    fake_group.append(ep("broken", "wismo_broken_plugin:Channel"))
    assert plugins.load_plugins(GROUP).failed == {"broken": "RuntimeError: boom at import"}


def test_results_are_cached_per_group_until_cleared(fake_group: list[EntryPoint]) -> None:
    fake_group.append(ep("one", "core.channels.outbox:OutboxChannel"))
    first = plugins.load_plugins(GROUP)
    fake_group.append(ep("two", "core.channels.smtp:SmtpChannel"))
    assert plugins.load_plugins(GROUP) is first
    plugins.clear_plugin_cache(GROUP)
    assert set(plugins.load_plugins(GROUP).loaded) == {"one", "two"}


def test_a_duplicate_name_keeps_the_first(fake_group: list[EntryPoint]) -> None:
    fake_group += [
        ep("dup", "core.channels.outbox:OutboxChannel"),
        ep("dup", "core.channels.smtp:SmtpChannel"),
    ]
    loaded = plugins.load_plugins(GROUP)
    assert loaded.loaded == {"dup": OutboxChannel}
    assert list(loaded.failed) == ["dup (core.channels.smtp:SmtpChannel)"]
