"""A shop's Admin API tokens: sealed in its secrets, expiry in its state, refreshed early.

Expiring offline tokens last an hour and their refresh token rotates on every use, so
the new pair is stored at once; the caller commits the shop row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from core.crypto import SecretBox
from core.storage.models import Shop

from .api import ShopifyApi, Tokens

ACCESS, REFRESH = "shopify_access_token", "shopify_refresh_token"


def save_tokens(box: SecretBox, shop: Shop, tokens: Tokens) -> None:
    """Seal the tokens into the shop's secrets; keep their expiry (not secret) in its state."""
    secrets = box.open(shop.secrets) if shop.secrets else {}
    secrets[ACCESS] = tokens.access_token
    if tokens.refresh_token:
        secrets[REFRESH] = tokens.refresh_token
    shop.secrets = box.seal(secrets)
    info = {
        "awaiting_token": False,
        "token_expires": _iso(tokens.expires),
        "refresh_expires": _iso(tokens.refresh_expires),
        "scope": tokens.scope,
    }
    shop.state = {**(shop.state or {}), "shopify": {**_info(shop), **info}}
    flag_modified(shop, "state")


def load_tokens(box: SecretBox, shop: Shop) -> Tokens | None:
    """The shop's tokens, or None when it has none (never installed, or uninstalled)."""
    secrets = box.open(shop.secrets) if shop.secrets else {}
    if not secrets.get(ACCESS):
        return None
    info = _info(shop)
    return Tokens(
        access_token=secrets[ACCESS],
        refresh_token=secrets.get(REFRESH),
        expires=_time(info.get("token_expires")),
        refresh_expires=_time(info.get("refresh_expires")),
        scope=info.get("scope"),
    )


def drop_tokens(box: SecretBox, shop: Shop) -> None:
    """Forget the shop's tokens (uninstall); doing it twice is harmless."""
    secrets = box.open(shop.secrets) if shop.secrets else {}
    secrets.pop(ACCESS, None)
    secrets.pop(REFRESH, None)
    shop.secrets = box.seal(secrets)
    info = {k: v for k, v in _info(shop).items() if k not in ("token_expires", "refresh_expires")}
    shop.state = {**(shop.state or {}), "shopify": info}
    flag_modified(shop, "state")


def access_token(box: SecretBox, api: ShopifyApi, shop: Shop) -> str:
    """A usable access token for the shop, refreshed (and stored) when `shopifyapp` says so."""
    tokens = load_tokens(box, shop)
    if tokens is None:
        raise LookupError(f"shop {shop.domain} has no Shopify token; is the app installed?")
    if tokens.refresh_token:  # an expiring token; a non-expiring one never needs refreshing
        fresh = api.refresh(shop.domain or "", tokens)
        if fresh is not None:
            save_tokens(box, shop, fresh)
            tokens = fresh
    return tokens.access_token


def _info(shop: Shop) -> dict[str, Any]:
    value = (shop.state or {}).get("shopify")
    return dict(value) if isinstance(value, dict) else {}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None
