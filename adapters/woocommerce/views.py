"""The WooCommerce routes: app authorisation, pasted keys and the plugin's status check.

    POST /woocommerce/<shop_key>/connect/start     plugin -> {"authorize_url": ...}
    POST /woocommerce/<shop_key>/connect/callback  WooCommerce -> the granted keys
    POST /woocommerce/<shop_key>/connect/keys      plugin or admin -> keys pasted by hand
    POST /woocommerce/<shop_key>/status            plugin's "Test connection" button
    POST /woocommerce/<shop_key>/settings          plugin -> completed choice, custom statuses
    POST /woocommerce/<shop_key>/uninstalled       plugin deleted: unfollow the store

The plugin signs its requests with the shop's `whsec_` secret (Standard Webhooks, the
scheme core/signing.py verifies); a script may use the shop's API key instead
(`Authorization: Bearer wsk_...`). The callback is authorised by the one-time nonce Wismo
handed out at start, which WooCommerce echoes as `user_id`. Webhooks are registered
after the answer, in the background: WooCommerce waits for the callback's 200 before it
finishes, and a single-process store could not serve our REST calls meanwhile.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, jsonify, request

from core import signing
from core.errors import ConfigError, InvalidSignature, MalformedPayload, UnknownShop
from core.services.link import link_report
from core.services.shops import shop_by_api_key, shop_by_key, update_settings
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Shop
from wismo.sdk.web import current_container

from .connect import (
    check_key_format,
    link_store,
    live_check,
    new_connect_nonce,
    normalise_store_url,
    put_state,
    status_of,
    unfollow_store,
    woo_state,
)
from .statuses import COMPLETED_CHOICES, normalise, validate_mapping

log = logging.getLogger(__name__)
APP_NAME = "Wismo"


def make_blueprint() -> Blueprint:
    """A fresh blueprint per app (the app factory calls this)."""
    bp = Blueprint("woocommerce", __name__, url_prefix="/woocommerce/<shop_key>")
    bp.post("/connect/start")(connect_start)
    bp.post("/connect/callback")(connect_callback)
    bp.post("/connect/keys")(connect_keys)
    bp.post("/status")(connect_status)
    bp.post("/settings")(status_settings)
    bp.post("/uninstalled")(plugin_deleted)
    return bp


def _body() -> dict[str, Any]:
    try:
        body = json.loads(request.get_data(cache=True) or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MalformedPayload("body is not valid JSON") from None
    if not isinstance(body, dict):
        raise MalformedPayload("body must be a JSON object")
    return body


def _authorised_shop(session: Any, shop_key: str) -> Shop:
    """The shop, if the request is signed with its secret or carries its API key."""
    shop = shop_by_key(session, shop_key)
    if shop is None or shop.platform != "woocommerce":
        raise UnknownShop("no such WooCommerce shop")
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        owner = shop_by_api_key(session, auth[7:].strip())
        if owner is None or owner.id != shop.id:
            raise InvalidSignature("API key does not belong to this shop")
        return shop
    secret = current_container().box.open(shop.secrets)["webhook_secret"]
    signing.verify(secret, dict(request.headers), request.get_data(cache=True))
    return shop


def connect_start(shop_key: str):
    """Hand the plugin the store's authorisation URL, bound to a one-time nonce."""
    body = _body()
    c = current_container()
    with c.session() as s:
        shop = _authorised_shop(s, shop_key)
        store_url = _store_url(body.get("store_url"))
        return_url = str(body.get("return_url") or store_url + "/wp-admin/")
        nonce = new_connect_nonce(shop, store_url)
        s.commit()
    base = c.settings.public_url.rstrip("/")
    query = urlencode(
        {
            "app_name": APP_NAME,
            "scope": "read_write",
            "user_id": nonce,
            "return_url": return_url,
            "callback_url": f"{base}/woocommerce/{shop_key}/connect/callback",
        }
    )
    return jsonify({"authorize_url": f"{store_url}/wc-auth/v1/authorize?{query}"})


def connect_callback(shop_key: str):
    """WooCommerce posts the granted keys here; answer exactly 200, register webhooks after."""
    body = _body()
    c = current_container()
    with c.session() as s:
        shop = shop_by_key(s, shop_key)
        if shop is None or shop.platform != "woocommerce":
            raise UnknownShop("no such WooCommerce shop")
        state = woo_state(shop)
        nonce, expires = state.get("connect_nonce"), state.get("connect_expires")
        given = str(body.get("user_id") or "")
        if not nonce or not hmac.compare_digest(given.encode(), str(nonce).encode()):
            raise InvalidSignature("this authorisation was not started by Wismo")
        if not expires or datetime.fromisoformat(expires) < utcnow():
            raise InvalidSignature("this authorisation has expired; press Connect again")
        if body.get("key_permissions") not in ("read_write", "write"):
            raise MalformedPayload("Wismo needs read/write keys to register its webhooks")
        _stage(c, shop, state["connect_store_url"], body, via="authorize")
        put_state(shop, connect_nonce=None)
        s.commit()
        shop_id = shop.id
    _link_later(shop_id)
    return "", 200


def connect_keys(shop_key: str):
    """Keys pasted by the merchant: tried on the store in the background, kept if they work."""
    body = _body()
    c = current_container()
    with c.session() as s:
        shop = _authorised_shop(s, shop_key)
        _stage(c, shop, _store_url(body.get("store_url")), body)
        s.commit()
        shop_id = shop.id
    _link_later(shop_id)
    return jsonify({"connected": False, "checking": True}), 202


def connect_status(shop_key: str):
    """The connection as Wismo sees it, checked with the store now (the plugin's Test)."""
    c = current_container()
    with c.session() as s:
        shop = _authorised_shop(s, shop_key)
        live = live_check(c, shop) if woo_state(shop).get("webhooks") else None
        return jsonify({**status_of(c, shop, live or {"ok": False}), **link_report(s, shop)})


def status_settings(shop_key: str):
    """Save what `completed` means and how the store's own statuses map (from the plugin)."""
    body = _body()
    c = current_container()
    with c.session() as s:
        shop = _authorised_shop(s, shop_key)
        completed = str(body.get("completed") or "shipped")
        mapping = body.get("statuses") or {}
        if not isinstance(mapping, dict):
            raise MalformedPayload("invalid settings", {"statuses": "an object: {status: target}"})
        errors = {f"statuses.{k}": v for k, v in validate_mapping(mapping).items()}
        if completed not in COMPLETED_CHOICES:
            errors["completed"] = "shipped or delivered"
        if errors:
            raise MalformedPayload("invalid settings", errors)
        section = settings_of(shop).woocommerce.model_dump(mode="json", exclude_unset=True)
        section.update(
            completed=completed,
            statuses={normalise(k): str(v).strip().lower() for k, v in mapping.items()},
        )
        update_settings(shop, woocommerce=section)  # InvalidSettings: a 400 naming the field
        s.commit()
        return jsonify({"completed": section["completed"], "statuses": section["statuses"]})


def plugin_deleted(shop_key: str):
    """The merchant deleted the plugin: stop messaging this shop's shoppers and remove
    Wismo's webhooks from the store (in the background, with the keys it still has)."""
    c = current_container()
    with c.session() as s:
        shop = _authorised_shop(s, shop_key)
        shop.active = False
        put_state(shop, unlinked_at=utcnow().isoformat())
        s.commit()
        shop_id = shop.id
    _unfollow_later(shop_id)
    return jsonify({"active": False}), 200


def _unfollow_later(shop_id: int) -> None:
    """Delete Wismo's webhooks on the store, then forget the store's keys."""
    c = current_container()

    def run() -> None:
        with c.session() as s:
            shop = s.get(Shop, shop_id)
            if shop is None:
                return
            try:
                unfollow_store(c, shop)
            except (
                ConfigError
            ) as exc:  # keys revoked already: the webhooks fail and WooCommerce disables them
                log.warning("shop %s: could not remove the webhooks: %s", shop.key, exc)
            secrets = c.box.open(shop.secrets)
            for key in ("consumer_key", "consumer_secret", PENDING):
                secrets.pop(key, None)
            shop.secrets = c.box.seal(secrets)
            put_state(shop, key_check=None)
            s.commit()

    threading.Thread(target=run, name=f"wc-unfollow-{shop_id}", daemon=True).start()


def _store_url(value: Any) -> str:
    try:
        return normalise_store_url(str(value or ""))
    except ConfigError as exc:
        raise MalformedPayload(str(exc), {"store_url": "an http(s) URL"}) from None


PENDING = "pending_keys"


def _stage(c: Any, shop: Shop, store_url: str, body: dict[str, Any], via: str = "pasted") -> None:
    """Keep the new keys aside, sealed, until the store has accepted them."""
    key = str(body.get("consumer_key") or "").strip()
    secret = str(body.get("consumer_secret") or "").strip()
    try:
        check_key_format(key, secret)
    except ConfigError as exc:
        raise MalformedPayload(str(exc)) from None
    secrets = c.box.open(shop.secrets)
    secrets[PENDING] = {"store_url": store_url, "consumer_key": key, "secret": secret, "via": via}
    shop.secrets = c.box.seal(secrets)
    put_state(shop, key_check={"ok": None, "at": utcnow().isoformat()})


def _link_later(shop_id: int) -> None:
    """Try the staged keys once this request is answered; they replace the old ones only
    if the store accepted them (WooCommerce waits for the callback's 200, and a
    single-process store could not serve our REST calls meanwhile)."""
    c = current_container()

    def run() -> None:
        with c.session() as s:
            shop = s.get(Shop, shop_id)
            if shop is None:
                return
            secrets = c.box.open(shop.secrets)
            pending = secrets.pop(PENDING, None)
            shop.secrets = c.box.seal(secrets)
            if not pending:
                return
            try:
                link_store(
                    c,
                    shop,
                    pending["store_url"],
                    pending["consumer_key"],
                    pending["secret"],
                    via=pending.get("via", "pasted"),
                )
            except ConfigError as exc:  # remembered in key_check; the old keys stay
                log.warning("shop %s: the store refused the new keys: %s", shop.key, exc)
            except Exception:
                log.exception("linking WooCommerce shop %s failed", shop_id)
                put_state(shop, key_check={"ok": False, "error": "Wismo could not check the keys"})
            s.commit()

    threading.Thread(target=run, name=f"wc-link-{shop_id}", daemon=True).start()
