"""The merchant admin inside Shopify: the session token decides who the shop is.

The standalone admin (webapp/admin) signs people in with a cookie. Inside Shopify's
admin the app runs in an iframe where third-party cookies are unreliable, so requests
carry Shopify's session token instead, and only where Shopify puts it: App Bridge sends
it as a Bearer header on fetches, and on a document load (GET, `embedded=1`) Shopify or
its patch page passes it as `id_token`. A token in the query of anything else is ignored.

`resolve` plugs into the admin's resolver chain (`wismo.sdk.web.add_resolver`):
a verified token makes the request the shop's owner, framed only by that shop's admin,
with App Bridge in every page's head. Links keep `embedded=1`, `shop` and `host` (never
the token): a navigation arrives without a token and bounces through the patch page,
as `shopifyapp` documents. Forms are sent by fetch (embedded-admin.js), so App Bridge adds
the token, and they still carry the CSRF token like every admin form: its seed comes from
the session token's `sid` instead of a cookie the iframe may not keep.
"""

from __future__ import annotations

import hashlib
import hmac
from html import escape
from typing import Any, NoReturn

from flask import Flask, Request, abort, g, url_for

from core.shop_settings import settings_of
from wismo.sdk.web import current_container

from . import auth, compliance

SCHEME = "Bearer "
APP_BRIDGE = "https://cdn.shopify.com/shopifycloud/app-bridge.js"
APP_BRIDGE_ORIGIN = "https://cdn.shopify.com"


def _token_of(req: Request) -> str | None:
    """The Bearer token App Bridge adds to fetches; never one from the query string."""
    header = req.headers.get("Authorization", "")
    if header.startswith(SCHEME):
        return header[len(SCHEME) :].strip() or None
    return None


def _document(req: Request) -> bool:
    """A page load inside Shopify's admin (Shopify's, or the patch page's reload)."""
    return req.method in ("GET", "HEAD") and req.args.get("embedded") == "1"


def resolve(req: Request) -> Any:
    """The shop's owner if the request carries a valid session token; None if it carries none."""
    from wismo.sdk.web import OWNER, Principal

    settings = current_container().settings
    if (_token_of(req) is None and not _document(req)) or not settings.shopify_api_secret:
        return None  # not a Shopify request: the next resolver (cookie session) decides
    from .routes import PATCH_PATH, _app, _refused

    verified = auth.verify_session(_app(), req.method, req.url, dict(req.headers), PATCH_PATH)
    if not verified.ok or verified.shop is None:
        _refuse(_refused(verified))  # 401 + retry header for fetches, the patch page for documents
    with current_container().session() as s:
        shop = compliance.shop_by_domain(s, verified.shop, active_only=True)
        if shop is None:
            _refuse(_refused(auth.Verified(False, status=401, reason="not installed")))
        support = settings_of(shop).branding.support_email or ""
        claims = verified.id_token.claims if verified.id_token else {}
        _seed_csrf(f"{verified.shop}:{claims.get('sid')}")
        g.shopify_embedded = {"embedded": "1", "shop": verified.shop, "host": req.args.get("host")}
        return Principal(
            shop_id=shop.id,
            role=OWNER,
            email=support,
            via="shopify",
            shop_name=shop.name,
            frame_ancestors=auth.frame_ancestors(verified.shop)
            .removeprefix("frame-ancestors ")
            .rstrip(";"),
            head_html=head_html(settings.shopify_api_key or ""),
            script_origins=APP_BRIDGE_ORIGIN,
        )


def head_html(api_key: str) -> str:
    """App Bridge first in the head of every embedded page, as Shopify requires, then ours."""
    return (
        f'<meta name="shopify-api-key" content="{escape(api_key)}">'
        f'<script src="{APP_BRIDGE}"></script>'
        f'<script src="{url_for("shopify.static", filename="embedded-admin.js")}" defer></script>'
    )


def _seed_csrf(user_session: str) -> None:
    """Make the CSRF token's seed this Shopify user session's, so no cookie has to survive.

    Flask-WTF signs and checks the seed kept under its field name; an attacker can
    neither read it nor, without the secret key, sign it.
    """
    from flask import current_app, session

    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    key = str(current_app.secret_key or "").encode()
    seed = hmac.new(key, f"shopify-csrf:{user_session}".encode(), hashlib.sha256).hexdigest()
    if session.get(field) != seed:
        session[field] = seed


def _refuse(response: Any) -> NoReturn:
    g.admin_principal = None  # nobody: later asks this request (response headers) need not verify
    abort(response)


def keep_embedded(endpoint: str, values: dict[str, Any]) -> None:
    """Admin URLs built during an embedded request stay embedded (shop and host, no token)."""
    carried = g.get("shopify_embedded")
    if carried and endpoint.startswith("admin."):
        for key, value in carried.items():
            if value and key not in values:
                values[key] = value


def install(app: Flask) -> None:
    """Let Shopify's session tokens sign merchants in to the admin."""
    from wismo.sdk.web import add_resolver

    add_resolver(app, resolve, first=True)
    app.url_defaults(keep_embedded)
