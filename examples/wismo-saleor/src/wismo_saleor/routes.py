"""The Saleor App's own routes: its manifest, and the registration that brings its token.

The merchant first gives the shop its Saleor GraphQL URL (`api_url`) in Wismo, then installs
the app in the Saleor dashboard from `/saleor/<shop key>/manifest`. Saleor POSTs the app's
token to `/saleor/<shop key>/register`. That call is not signed, so (as Saleor's own app SDK
does) it is accepted only when `Saleor-Api-Url` is the shop's own API and that API's JWKS
answers. The token cannot be checked against Saleor there and then: Saleor activates the app
only after this call returns (a real Saleor 3.24 answers `PermissionDenied` to the new
token until then), so a wrong token shows up at the first reconciliation, in the admin.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from wismo.sdk import ConfigError, InvalidSignature, UnknownShop
from wismo.sdk.web import current_container, shop_secrets, store_secrets

from . import api, manifest, webhooks

bp = Blueprint("saleor", __name__)


@bp.get("/saleor/<shop_key>/manifest")
def app_manifest(shop_key: str) -> Any:
    """The manifest Saleor installs the app from."""
    with current_container().session() as session:
        try:
            shop_secrets(session, shop_key, "saleor")
        except UnknownShop as exc:
            return jsonify({"error": str(exc)}), 404
    return jsonify(manifest.manifest(request.url_root, shop_key))


@bp.post("/saleor/<shop_key>/register")
def register(shop_key: str) -> Any:
    """Keep the app token Saleor sends at installation, when it comes from the shop's Saleor."""
    with current_container().session() as session:
        try:
            shop, secrets = shop_secrets(session, shop_key, "saleor")
            api_url = str(secrets.get("api_url") or "")
            if not api_url:
                raise ConfigError("api_url is not set: enter the shop's Saleor GraphQL URL first")
            if not webhooks.same_api(
                webhooks.header(dict(request.headers), webhooks.API_URL), api_url
            ):
                raise InvalidSignature("registration from another Saleor than the shop's")
            token = str((request.get_json(silent=True) or {}).get("auth_token") or "")
            if not token:
                raise InvalidSignature("no auth_token in the registration")
            api.jwks(api_url, refresh=True)  # a Saleor answers at the shop's API address
        except UnknownShop as exc:
            return jsonify({"error": str(exc)}), 404
        except (ConfigError, InvalidSignature) as exc:
            return jsonify({"error": str(exc)}), 403
        except api.SaleorApiError as exc:
            return jsonify({"error": str(exc)}), 502
        store_secrets(shop, app_token=token)
        session.commit()
    return jsonify({"success": True})
