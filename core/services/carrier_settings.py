"""Connecting a shop to a carrier: its settings and sealed secrets, and a test look-up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm.attributes import flag_modified

from core.carriers.base import CarrierContext, CarrierError, Parcel, ParcelUpdate
from core.errors import ConfigError
from core.storage.models import Shop

from .following import carrier_classes, carrier_config

if TYPE_CHECKING:
    from core.bootstrap import Container


def connect_carrier(
    c: Container, shop: Shop, slug: str, public: Mapping[str, Any], secret: Mapping[str, Any]
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
    entries = [e for e in (shop.settings or {}).get("carriers") or [] if e.get("carrier") != slug]
    entry = {"carrier": slug, **{k: v for k, v in public.items() if v not in ("", None)}}
    shop.settings = {**(shop.settings or {}), "carriers": [*entries, entry]}
    flag_modified(shop, "settings")
    shop.secrets = c.box.seal({**sealed, "carriers": {**secrets, slug: kept}})


def disconnect_carrier(c: Container, shop: Shop, slug: str) -> None:
    """Forget a carrier's settings and secrets: its parcels wait until it is connected again."""
    entries = [e for e in (shop.settings or {}).get("carriers") or [] if e.get("carrier") != slug]
    shop.settings = {**(shop.settings or {}), "carriers": entries}
    flag_modified(shop, "settings")
    sealed = c.box.open(shop.secrets)
    secrets = {k: v for k, v in (sealed.get("carriers") or {}).items() if k != slug}
    shop.secrets = c.box.seal({**sealed, "carriers": secrets})


def try_waybill(
    c: Container, shop: Shop, slug: str, number: str, phone: str | None = None
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
