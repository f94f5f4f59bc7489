"""Connecting a shop to a carrier: its settings and sealed secrets, and a test look-up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.carriers.base import CarrierContext, CarrierError, Parcel, ParcelUpdate
from core.errors import ConfigError
from core.shop_settings import settings_of
from core.storage.models import Shop

from .deps import CarrierDeps
from .following import carrier_classes, carrier_config
from .shops import update_settings


def connect_carrier(
    c: CarrierDeps, shop: Shop, slug: str, public: Mapping[str, Any], secret: Mapping[str, Any]
) -> None:
    """Store a carrier's settings and secrets for the shop (a blank secret keeps the stored one).

    The carrier is built once with them, so a missing required field is refused now.
    """
    cls = carrier_classes().get(slug)
    if cls is None:
        raise ConfigError(f"no carrier {slug!r} is installed")
    sealed = c.box.open(shop.secrets)
    secrets = dict(sealed.get("carriers") or {})
    kept = {**(secrets.get(slug) or {}), **{k: v for k, v in secret.items() if v}}
    config = {**{k: v for k, v in public.items() if v not in ("", None)}, **kept}
    missing = [f.label for f in cls.metadata.fields if f.required and not config.get(f.name)]
    if missing:
        raise ConfigError(f"{cls.metadata.label} needs: {', '.join(missing)}")
    cls.from_config(config, CarrierContext())
    entries = [e.config() for e in settings_of(shop).carriers if e.carrier != slug]
    entry = {"carrier": slug, **{k: v for k, v in public.items() if v not in ("", None)}}
    update_settings(shop, carriers=[*entries, entry])
    shop.secrets = c.box.seal({**sealed, "carriers": {**secrets, slug: kept}})


def disconnect_carrier(c: CarrierDeps, shop: Shop, slug: str) -> None:
    """Forget a carrier's settings and secrets: its parcels wait until it is connected again."""
    entries = [e.config() for e in settings_of(shop).carriers if e.carrier != slug]
    update_settings(shop, carriers=entries)
    sealed = c.box.open(shop.secrets)
    secrets = {k: v for k, v in (sealed.get("carriers") or {}).items() if k != slug}
    shop.secrets = c.box.seal({**sealed, "carriers": secrets})


def try_waybill(
    c: CarrierDeps, shop: Shop, slug: str, number: str, phone: str | None = None
) -> ParcelUpdate:
    """Ask the carrier about one real number with the shop's stored settings (the test button).

    Raises ConfigError when the carrier is not connected, CarrierError when asking failed.
    """
    cls = carrier_classes().get(slug)
    config = carrier_config(c, shop, slug)
    if cls is None or config is None:
        raise ConfigError(f"{slug} is not connected")
    carrier = cls.from_config(config, CarrierContext(timeout=10.0))
    (update,) = carrier.track([Parcel(number.strip(), phone=phone or None)]) or (
        ParcelUpdate(number=number, found=False),
    )
    return update


__all__ = ["CarrierError", "connect_carrier", "disconnect_carrier", "try_waybill"]
