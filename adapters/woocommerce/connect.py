"""Linking a store: its REST keys sealed with the shop's secrets, then Wismo's webhooks.

Three ways in, one end: the WooCommerce app authorisation (`/wc-auth/v1/authorize`,
whose callback brings the keys), keys pasted in the plugin or the admin, and
`wismo shops add --platform woocommerce ... --consumer-key --consumer-secret`. Each
stores the keys with `store_keys` and then calls `sync_webhooks`, which reconciliation
calls again later to bring back webhooks WooCommerce disabled.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy.orm.attributes import flag_modified

from core.crypto import new_token
from core.errors import ConfigError
from core.services.shops import update_settings
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Shop

from .api import WooApiError, WooClient

if TYPE_CHECKING:
    from core.bootstrap import Container

WC_SECRET = "wc_webhook_secret"


def normalise_store_url(url: str) -> str:
    """`https://shop.example.com/` -> `https://shop.example.com`; a path stays (WP in a folder)."""
    url = (url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"store URL must be http(s)://host[/path], got {url!r}")
    return url


def woo_state(shop: Shop) -> dict[str, Any]:
    """A copy of the WooCommerce part of the shop's state (cursor, webhook ids, connect nonce)."""
    return dict((shop.state or {}).get("woocommerce") or {})


def put_state(shop: Shop, **changes: Any) -> None:
    """Merge changes into the shop's WooCommerce state (a new dict, so the JSON column saves)."""
    shop.state = {**(shop.state or {}), "woocommerce": {**woo_state(shop), **changes}}
    flag_modified(shop, "state")


def check_key_format(consumer_key: str, secret: str) -> None:
    """ConfigError unless the keys look like WooCommerce's (ck_..., cs_...)."""
    if not consumer_key.startswith("ck_") or not secret.startswith("cs_"):
        raise ConfigError(
            "WooCommerce keys start with ck_ (consumer key) and cs_ (consumer secret): "
            "copy both again from WooCommerce > Settings > Advanced > REST API"
        )


def store_keys(c: Container, shop: Shop, store_url: str, consumer_key: str, secret: str) -> None:
    """Seal the store's REST keys with the shop's other secrets and remember the store URL."""
    check_key_format(consumer_key, secret)
    url = normalise_store_url(store_url)
    secrets = c.box.open(shop.secrets)
    secrets.update(consumer_key=consumer_key, consumer_secret=secret)
    secrets.setdefault(WC_SECRET, "wc_" + new_token(24))
    shop.secrets = c.box.seal(secrets)
    shop.domain = shop.domain or urlsplit(url).netloc
    section = settings_of(shop).woocommerce.model_dump(mode="json", exclude_unset=True)
    update_settings(shop, woocommerce={**section, "store_url": url})
    state = woo_state(shop)
    put_state(
        shop,
        connected_at=utcnow().isoformat(),
        # reconciliation starts now; older orders come in through the backfill
        cursor=state.get("cursor") or gmt_text(utcnow()),
        connect_nonce=None,
    )


def link_store(
    c: Container, shop: Shop, store_url: str, consumer_key: str, secret: str, via: str = "pasted"
) -> None:
    """Try the keys on the store first (by registering Wismo's webhooks with them); only
    keys that worked replace the shop's. A mistyped secret leaves the working keys alone
    and is remembered as `key_check`, which the plugin's Test and the admin show.

    Keys granted by WooCommerce's Connect approval (`via="authorize"`) that replace other
    working keys leave `replaced_key` behind: the hash WooCommerce keeps of the old key
    (`wc_api_hash`), by which the plugin deletes it from the store, and its last 7
    characters, which WooCommerce's key list shows."""
    check_key_format(consumer_key, secret)
    url = normalise_store_url(store_url)
    secrets = c.box.open(shop.secrets)
    hook_secret = secrets.get(WC_SECRET) or "wc_" + new_token(24)
    same_store = settings_of(shop).woocommerce.store_url == url
    known = {k: int(v) for k, v in (woo_state(shop).get("webhooks") or {}).items()}
    try:
        ids, _ = WooClient(url, consumer_key, secret).ensure_webhooks(
            known if same_store else {}, delivery_url(c, shop), hook_secret
        )
    except WooApiError as exc:
        put_state(shop, key_check={"ok": False, "error": str(exc), "at": utcnow().isoformat()})
        raise
    old_key = str(secrets.get("consumer_key") or "")
    secrets[WC_SECRET] = hook_secret
    shop.secrets = c.box.seal(secrets)
    store_keys(c, shop, url, consumer_key, secret)
    now = utcnow().isoformat()
    check = {"ok": True, "at": now, "via": via, "webhooks": len(ids)}
    put_state(shop, webhooks=ids, webhooks_checked_at=now, key_check=check)
    if via == "authorize" and old_key and old_key != consumer_key and same_store:
        put_state(shop, replaced_key={"hash": wc_api_hash(old_key), "hint": old_key[-7:]})
    elif via == "pasted":
        put_state(shop, replaced_key=None)  # the merchant chose these keys: nothing to revoke


def wc_api_hash(consumer_key: str) -> str:
    """How WooCommerce stores a consumer key (`wc_api_hash()`: HMAC-SHA256 keyed 'wc-api')."""
    return hmac.new(b"wc-api", consumer_key.encode(), hashlib.sha256).hexdigest()


def is_linked(c: Container, shop: Shop) -> bool:
    """Whether the shop has working REST keys of its store."""
    return bool(c.box.open(shop.secrets).get("consumer_key"))


def gmt_text(moment: datetime) -> str:
    """A time the way WooCommerce writes its `*_gmt` fields: UTC, no offset, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def client_for(c: Container, shop: Shop) -> WooClient:
    """The REST client for a connected shop (ConfigError if it has no keys yet)."""
    secrets = c.box.open(shop.secrets)
    url = settings_of(shop).woocommerce.store_url
    if not (url and secrets.get("consumer_key") and secrets.get("consumer_secret")):
        raise ConfigError(f"shop {shop.key} is not connected to a WooCommerce store yet")
    return WooClient(url, secrets["consumer_key"], secrets["consumer_secret"])


def delivery_url(c: Container, shop: Shop) -> str:
    """Where the store delivers its webhooks: this Wismo's public URL."""
    return f"{c.settings.public_url.rstrip('/')}/webhooks/woocommerce/{shop.key}"


def sync_webhooks(c: Container, shop: Shop) -> list[str]:
    """Make sure the store has our four active webhooks; returns the topics re-created."""
    secrets = c.box.open(shop.secrets)
    known = {k: int(v) for k, v in (woo_state(shop).get("webhooks") or {}).items()}
    ids, recreated = client_for(c, shop).ensure_webhooks(
        known, delivery_url(c, shop), secrets[WC_SECRET]
    )
    put_state(shop, webhooks=ids, webhooks_checked_at=utcnow().isoformat())
    return recreated


def unfollow_store(c: Container, shop: Shop) -> None:
    """Delete Wismo's webhooks from the store (the plugin was deleted)."""
    client = client_for(c, shop)
    for hook_id in (woo_state(shop).get("webhooks") or {}).values():
        client.delete_webhook(int(hook_id))
    put_state(shop, webhooks={})


def new_connect_nonce(shop: Shop, store_url: str) -> str:
    """A one-time value the authorisation callback must echo (as WooCommerce's `user_id`)."""
    nonce = new_token(18)
    expires = (utcnow() + timedelta(minutes=30)).isoformat()
    put_state(shop, connect_nonce=nonce, connect_expires=expires, connect_store_url=store_url)
    return nonce


def live_check(c: Container, shop: Shop) -> dict[str, Any]:
    """Ask the store now, with the stored keys, for each of Wismo's webhooks and its status.

    `ok` is true only when the keys were accepted and all four webhooks are active and
    point at this Wismo: the round trip "Connected" stands for.
    """
    try:
        client = client_for(c, shop)
        known = {k: int(v) for k, v in (woo_state(shop).get("webhooks") or {}).items()}
        hooks = {topic: client.webhook(hook_id) for topic, hook_id in known.items()}
    except ConfigError as exc:
        return {"ok": False, "error": str(exc), "webhooks": {}}
    url = delivery_url(c, shop)
    states = {topic: _webhook_state(hook, url) for topic, hook in hooks.items()}
    bad = sorted(t for t, v in states.items() if v != "active")
    error = None
    if len(states) < 4:
        error = "Wismo's webhooks are not registered yet"
    elif bad:
        error = "WooCommerce does not deliver " + ", ".join(f"{t} ({states[t]})" for t in bad)
    return {"ok": error is None, "error": error, "webhooks": states}


def _webhook_state(hook: dict[str, Any] | None, url: str) -> str:
    """active, missing, elsewhere (delivers to another URL), or WooCommerce's paused/disabled."""
    if hook is None:
        return "missing"
    if hook.get("status") != "active":
        return str(hook.get("status"))
    return "active" if hook.get("delivery_url") == url else "elsewhere"


def status_of(c: Container, shop: Shop, live: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the plugin's settings page and the admin show: linked or not, webhooks, last sync.

    With `live` (from live_check) `connected` means the store just answered with working
    keys and active webhooks, not only that keys were stored once.
    """
    state = woo_state(shop)
    linked = is_linked(c, shop)
    current = str(c.box.open(shop.secrets).get("consumer_key") or "")
    return {
        "shop_key": shop.key,
        "connected": linked and (live is None or bool(live.get("ok"))),
        "linked": linked,
        "live": live,
        "key_check": state.get("key_check"),
        "replaced_key": state.get("replaced_key"),
        # the last 7 characters, as WooCommerce's key list shows them, and its stored hash
        "key_hint": current[-7:] or None,
        "key_hash": wc_api_hash(current) if current else None,
        "store_url": settings_of(shop).woocommerce.store_url,
        "webhooks": state.get("webhooks") or {},
        "webhooks_checked_at": state.get("webhooks_checked_at"),
        "reconciled_at": (shop.state or {}).get("reconciled_at"),
        "cursor": state.get("cursor"),
    }
