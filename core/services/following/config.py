"""Which carriers are installed, which a shop has connected, and with what settings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from core.carriers.connected import config_of, connected
from core.plugins import CARRIERS, load_plugins
from core.shop_settings import settings_of
from core.storage.models import Shop

from ..deps import CarrierDeps


def carrier_classes() -> dict[str, Any]:
    """The installed carriers (`wismo.carriers` plug-ins), by slug."""
    return {n: obj for n, obj in load_plugins(CARRIERS).loaded.items() if isinstance(obj, type)}


def carrier_config(c: CarrierDeps, shop: Shop, slug: str) -> dict[str, Any] | None:
    """The shop's settings for a carrier with its secrets opened; None when not connected."""
    entries = [e.config() for e in settings_of(shop).carriers]
    secrets = c.box.open(shop.secrets).get("carriers") or {}
    return config_of(slug, entries, secrets, carrier_classes().get(slug))


def connected_carriers(c: CarrierDeps, shop: Shop, carriers: Mapping[str, Any]) -> set[str]:
    """The slugs of the installed carriers this shop has connected (detection asks them first)."""
    entries = [e.config() for e in settings_of(shop).carriers]
    secrets = c.box.open(shop.secrets).get("carriers") or {}
    return connected(entries, secrets, carriers)


def credentials_key(slug: str, config: Mapping[str, Any]) -> str:
    """Parcels whose shops share a carrier account are asked about together."""
    raw = json.dumps(config, sort_keys=True, default=str)
    return f"{slug}:{hashlib.sha256(raw.encode()).hexdigest()[:16]}"


def pushes(slug: str | None) -> bool:
    """Whether the carrier `slug` pushes its news (then polling only catches lost pushes)."""
    cls = carrier_classes().get(slug or "")
    return bool(cls is not None and cls.metadata.pushes)
