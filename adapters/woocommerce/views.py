"""The WooCommerce routes: app authorisation, pasted keys and the plugin's status check.

    POST /woocommerce/<shop_key>/connect/start     plugin -> {"authorize_url": ...}
    POST /woocommerce/<shop_key>/connect/callback  WooCommerce -> the granted keys
    POST /woocommerce/<shop_key>/connect/keys      plugin or admin -> keys pasted by hand
    POST /woocommerce/<shop_key>/status            plugin's "Test connection" button
    POST /woocommerce/<shop_key>/settings          plugin -> completed choice, custom statuses

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
from core.services.shops import shop_by_api_key, shop_by_key, update_settings
from core.storage.clock import utcnow
from core.storage.models import Shop
from webapp.context import wismo

from .connect import (
    new_connect_nonce,
    normalise_store_url,
    status_of,
    store_keys,
    sync_webhooks,
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
    secret = wismo().box.open(shop.secrets)["webhook_secret"]
    signing.verify(secret, dict(request.headers), request.get_data(cache=True))
    return shop


def connect_start(shop_key: str):  # type: ignore[no-untyped-def]
    """Hand the plugin the store's authorisation URL, bound to a one-time nonce."""
    body = _body()
    c = wismo()
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


def connect_callback(shop_key: str):  # type: ignore[no-untyped-def]
    """WooCommerce posts the granted keys here; answer exactly 200, register webhooks after."""
    body = _body()
    c = wismo()
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
        _store(c, shop, state["connect_store_url"], body)
        s.commit()
        shop_id = shop.id
    _register_later(shop_id)
    return "", 200


def connect_keys(shop_key: str):  # type: ignore[no-untyped-def]
    """Keys pasted by the merchant: stored sealed, webhooks registered in the background."""
    body = _body()
    c = wismo()
    with c.session() as s:
        shop = _authorised_shop(s, shop_key)
        _store(c, shop, _store_url(body.get("store_url")), body)
        s.commit()
        shop_id = shop.id
    _register_later(shop_id)
    return jsonify({"connected": True, "webhooks": "registering"}), 202


def connect_status(shop_key: str):  # type: ignore[no-untyped-def]
    """The connection as Wismo sees it (the plugin's Test button shows this)."""
    c = wismo()
    with c.session() as s:
        shop = _authorised_shop(s, shop_key)
        return jsonify(status_of(c, shop))


def status_settings(shop_key: str):  # type: ignore[no-untyped-def]
    """Save what `completed` means and how the store's own statuses map (from the plugin)."""
    body = _body()
    c = wismo()
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
        section = dict((shop.settings or {}).get("woocommerce") or {})
        section.update(
            completed=completed,
            statuses={normalise(k): str(v).strip().lower() for k, v in mapping.items()},
        )
        update_settings(shop, woocommerce=section)
        s.commit()
        return jsonify({"completed": section["completed"], "statuses": section["statuses"]})


def _store_url(value: Any) -> str:
    try:
        return normalise_store_url(str(value or ""))
    except ConfigError as exc:
        raise MalformedPayload(str(exc), {"store_url": "an http(s) URL"}) from None


def _store(c: Any, shop: Shop, store_url: str, body: dict[str, Any]) -> None:
    try:
        store_keys(
            c,
            shop,
            store_url,
            str(body.get("consumer_key") or "").strip(),
            str(body.get("consumer_secret") or "").strip(),
        )
    except ConfigError as exc:
        raise MalformedPayload(str(exc)) from None


def _register_later(shop_id: int) -> None:
    """Register the webhooks once this request is answered (reconciliation retries failures)."""
    c = wismo()

    def run() -> None:
        try:
            with c.session() as s:
                shop = s.get(Shop, shop_id)
                if shop is not None:
                    sync_webhooks(c, shop)
                    s.commit()
        except Exception:  # logged; the next reconciliation tries again
            log.exception("registering WooCommerce webhooks for shop %s failed", shop_id)

    threading.Thread(target=run, name=f"wc-webhooks-{shop_id}", daemon=True).start()
