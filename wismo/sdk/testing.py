"""Test helpers for plug-in packages: install a plug-in in-process, check its shape.

```python
from wismo.sdk.testing import channel_problems, installed

def test_fits():
    assert channel_problems(PushChannel, "push") == []

def test_used(container):
    with installed("channel", "push", PushChannel):
        ...  # Wismo now plans, renders and sends push messages through it
```
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.adapters import Adapter
from core.channels.base import Channel
from core.hooks import AddsTemplateVariables, AdjustsEvents, VetoesMessages
from core.plugins import (
    ADAPTERS,
    CARRIERS,
    CHANNELS,
    HOOKS,
    AdapterMetadata,
    ChannelMetadata,
    PluginMetadata,
    load_plugins,
)

# the stand-in server for third-party APIs, and the contract kit's inputs (wismo/testing)
from wismo.testing.http_stub import HttpStub as HttpStub
from wismo.testing.http_stub import StubRequest as StubRequest
from wismo.testing.http_stub import StubResponse as StubResponse
from wismo.testing.vectors import AdapterVectors as AdapterVectors
from wismo.testing.vectors import CarrierVectors as CarrierVectors
from wismo.testing.vectors import ChannelVectors as ChannelVectors

GROUPS = {"adapter": ADAPTERS, "channel": CHANNELS, "carrier": CARRIERS, "hook": HOOKS}


@contextmanager
def installed(kind: str, slug: str, plugin: Any) -> Iterator[None]:
    """Make `plugin` an installed `kind` plug-in named `slug` for the block (this process)."""
    group = GROUPS[kind]
    loaded = load_plugins(group).loaded
    before = loaded.get(slug)
    loaded[slug] = plugin
    try:
        yield
    finally:
        if before is None:
            loaded.pop(slug, None)
        else:
            loaded[slug] = before


def _metadata_problems(cls: Any, slug: str, expected: type) -> list[str]:
    meta = getattr(cls, "metadata", None)
    if not isinstance(meta, PluginMetadata):
        return ["no `metadata` (a PluginMetadata) on the class"]
    problems = []
    if not isinstance(meta, expected):
        problems.append(f"metadata is a {type(meta).__name__}, not a {expected.__name__}")
    if meta.slug != slug:
        problems.append(f"metadata.slug {meta.slug!r} is not the entry point name {slug!r}")
    if not meta.label.strip():
        problems.append("metadata.label is empty")
    names = [f.name for f in meta.fields]
    if len(set(names)) != len(names):
        problems.append("metadata.fields repeats a name")
    return problems


def adapter_problems(cls: Any, slug: str) -> list[str]:
    """What keeps `cls` from being a `wismo.adapters` plug-in named `slug` ([] when none)."""
    problems = _metadata_problems(cls, slug, AdapterMetadata)
    try:
        instance = cls()
    except Exception as exc:
        return [*problems, f"cannot be built without arguments: {exc!r}"]
    if not isinstance(instance, Adapter):
        problems.append("does not fit core Adapter (verify, parse, name)")
    elif getattr(cls, "name", slug) != slug:
        problems.append(f"name {cls.name!r} is not the entry point name {slug!r}")
    return problems


def channel_problems(cls: Any, slug: str) -> list[str]:
    """What keeps `cls` from being a `wismo.channels` plug-in named `slug` ([] when none)."""
    problems = _metadata_problems(cls, slug, ChannelMetadata)
    if not isinstance(cls, type):
        return [*problems, "is not a class"]
    if getattr(cls, "name", None) != slug:
        problems.append(f"name {getattr(cls, 'name', None)!r} is not {slug!r}")
    kinds = getattr(cls, "kinds", None)
    if (
        not isinstance(kinds, frozenset)
        or not kinds
        or not all(isinstance(k, str) and k for k in kinds)
    ):
        problems.append("kinds is not a non-empty frozenset of names")
    from_config: Any = inspect.getattr_static(cls, "from_config", None)
    if not isinstance(from_config, classmethod):
        problems.append("from_config is not a classmethod")
    elif list(inspect.signature(from_config.__func__).parameters)[1:] != ["config", "context"]:
        problems.append("from_config does not take (config, context)")
    if list(inspect.signature(getattr(cls, "send", lambda: None)).parameters) != [
        "self",
        "message",
    ]:
        problems.append("send does not take (self, message)")
    meta = getattr(cls, "metadata", None)
    for k in meta.defines if isinstance(meta, ChannelMetadata) else ():
        if k.template_dir is not None and not k.template_dir.is_dir():
            problems.append(f"kind {k.name!r}: template_dir {k.template_dir} is not a folder")
    if not problems and not isinstance(cls, Channel):
        problems.append("does not fit core Channel")
    return problems


def hook_problems(cls: Any, slug: str) -> list[str]:
    """What keeps `cls` from being a `wismo.hooks` plug-in named `slug` ([] when none)."""
    problems = _metadata_problems(cls, slug, PluginMetadata)
    try:
        instance = cls()
    except Exception as exc:
        return [*problems, f"cannot be built without arguments: {exc!r}"]
    if not isinstance(instance, AdjustsEvents | AddsTemplateVariables | VetoesMessages):
        problems.append("implements none of adjust_event, template_variables, veto")
    return problems
