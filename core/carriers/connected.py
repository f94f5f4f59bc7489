"""Which carriers a shop has connected, from its settings' entries and sealed secrets (pure).

Shop settings hold `carriers: [{carrier: slug, ...fields}]`; the sealed secrets hold
`carriers: {slug: {secret fields}}`. A carrier that asks for nothing needs no entry; an
entry with `enabled: false` is switched off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def config_of(
    slug: str, entries: Sequence[Mapping[str, Any]], secrets: Mapping[str, Any], cls: Any
) -> dict[str, Any] | None:
    """One carrier's settings out of the shop's entries and secrets; None: not connected."""
    entry = next((e for e in entries if e.get("carrier") == slug), None)
    mine = secrets.get(slug) or {}
    needs = [f.name for f in getattr(cls.metadata, "fields", ()) if f.required] if cls else []
    if entry is None and not mine and needs:
        return None
    config = {k: v for k, v in (entry or {}).items() if k != "carrier"}
    config.update(mine)
    if entry is not None and entry.get("enabled") is False:
        return None
    return config


def connected(
    entries: Sequence[Mapping[str, Any]], secrets: Mapping[str, Any], carriers: Mapping[str, Any]
) -> set[str]:
    """The slugs of the installed `carriers` the shop has connected."""
    return {s for s, cls in carriers.items() if config_of(s, entries, secrets, cls) is not None}
