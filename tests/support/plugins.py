"""`test_plugins`: the agency package in tests/plugins, installed for one test.

Prepending tests/plugins to sys.path makes `importlib.metadata` find its dist-info and
entry points exactly as it finds a pip-installed package's; the plug-in caches are cleared
around the test so no other test sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.plugins import clear_plugin_cache

PLUGINS_DIR = Path(__file__).resolve().parents[1] / "plugins"


@pytest.fixture
def test_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """tests/plugins installed (its entry points visible) for the duration of the test."""
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    clear_plugin_cache()
    yield PLUGINS_DIR
    monkeypatch.undo()  # off sys.path before the caches forget what it brought
    clear_plugin_cache()
