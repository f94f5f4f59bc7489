"""Shops: creating them, finding them by key, reading their policy and secrets."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import time, timedelta
from time import monotonic
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import registry
from core.crypto import SecretBox, hash_api_key, new_token
from core.domain.rules import Policy, default_matrix
from core.shop_settings import settings_of, validated
from core.signing import new_secret
from core.storage.models import Shop


@dataclass(frozen=True)
class NewShop:
    """A created shop and the credentials shown once, at creation."""

    shop: Shop
    api_key: str
    webhook_secret: str


def create_shop(
    session: Session,
    box: SecretBox,
    *,
    name: str,
    platform: str,
    domain: str | None = None,
    settings: dict[str, Any] | None = None,
) -> NewShop:
    """Register a shop; its API key and webhook secret are returned once and stored safely."""
    platforms = registry.platforms()
    if platform not in platforms:
        raise ValueError(
            f"unknown platform {platform!r}; expected one of {', '.join(platforms)}"
            " (a platform is an installed `wismo.adapters` plug-in)"
        )
    api_key = "wsk_" + new_token(24)
    webhook_secret = new_secret()
    shop = Shop(
        key=new_token(12),
        name=name,
        platform=platform,
        domain=domain,
        api_key_hash=hash_api_key(api_key),
        api_key_hint=api_key[:8],
        settings=validated({"locale": "en", "timezone": "UTC"}, settings or {}),
        secrets=box.seal({"webhook_secret": webhook_secret}),
    )
    session.add(shop)
    session.flush()
    return NewShop(shop, api_key, webhook_secret)


def shop_by_key(session: Session, key: str) -> Shop | None:
    """The active shop whose public key this is."""
    return session.scalar(select(Shop).where(Shop.key == key, Shop.active.is_(True)))


def shop_by_api_key(session: Session, api_key: str) -> Shop | None:
    """The active shop this API key belongs to (compared in constant time)."""
    digest = hash_api_key(api_key)
    shop = session.scalar(select(Shop).where(Shop.api_key_hash == digest, Shop.active.is_(True)))
    if shop is None or not hmac.compare_digest(shop.api_key_hash or "", digest):
        return None
    return shop


class ShopKeyCache:
    """API key -> shop id, remembered briefly so busy integrations skip a query per request.

    A deactivated shop's key therefore keeps working for up to `ttl` seconds.
    """

    def __init__(self, ttl: float = 30.0, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._hits: dict[str, tuple[int, float]] = {}

    def shop_id(self, session: Session, api_key: str) -> int | None:
        """The active shop this key belongs to, from memory or the database."""
        now = monotonic()
        digest = hash_api_key(api_key)
        hit = self._hits.get(digest)
        if hit and hit[1] > now:
            return hit[0]
        shop = shop_by_api_key(session, api_key)
        if shop is None:
            return None
        if len(self._hits) >= self.size:
            self._hits.clear()
        self._hits[digest] = (shop.id, now + self.ttl)
        return shop.id


def policy_of(shop: Shop) -> Policy:
    """The shop's notification policy: defaults overlaid with what the merchant changed."""
    conf = settings_of(shop)
    kinds = registry.kinds()
    matrix = default_matrix(kinds)
    for status, row in conf.policy.matrix.items():
        matrix.setdefault(status, {}).update(row)
    quiet = conf.policy.quiet_hours
    return Policy(
        matrix=matrix,
        quiet_start=time.fromisoformat(quiet[0]),
        quiet_end=time.fromisoformat(quiet[1]),
        debounce=timedelta(seconds=conf.policy.debounce_seconds),
        timezone=conf.timezone,
        failover={status: tuple(chain) for status, chain in conf.failover.items()},
        quiet=frozenset(name for name, k in kinds.items() if k.quiet),
    )


def update_settings(shop: Shop, **changes: Any) -> None:
    """Replace top-level settings keys, each validated first (InvalidSettings names the field).

    JSON columns need a new dict to notice a change; values stored earlier and left
    unchanged are kept as they are.
    """
    shop.settings = validated(shop.settings, changes)


def store_url(shop: Shop) -> str | None:
    """The store's own address for links in messages and pages, as Wismo knows it.

    The merchant's branding first, then the address the shop was registered or linked with
    (an http store or one in a subfolder keeps its scheme and path), and only then
    https:// and the domain.
    """
    conf = settings_of(shop)
    for candidate in (
        conf.branding.store_url,
        conf.store_url,
        conf.platform(shop.platform).get("store_url"),
    ):
        if isinstance(candidate, str) and candidate.startswith(("https://", "http://")):
            return candidate
    return f"https://{shop.domain}" if shop.domain else None
