"""The merchant admin inside Shopify: the session token decides who the shop is.

The standalone admin (webapp/admin) signs people in with a cookie. Inside Shopify's
admin the app runs in an iframe where third-party cookies are unreliable, so every
request carries Shopify's session token instead: App Bridge sends it as a Bearer
header on fetches, and on document loads Shopify passes it as `id_token` (a missing or
expired one bounces through the patch page, which fetches a fresh one and reloads).

`resolve` plugs into the admin's resolver chain (`webapp.admin.access.add_resolver`):
a verified token makes the request the shop's owner, allowed to be framed only by that
shop's admin. Links and form actions the admin renders keep the `id_token` (see
`keep_id_token`), so navigation and form posts inside the iframe stay authenticated;
CSRF tokens are not needed for them, since a bearer token cannot be forged by another
site.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import Flask, Request, abort, g

from webapp.context import wismo

from . import auth, compliance

SCHEME = "Bearer "


def _token_of(req: Request) -> str | None:
    header = req.headers.get("Authorization", "")
    if header.startswith(SCHEME):
        return header[len(SCHEME) :].strip() or None
    return req.args.get("id_token") or None


def resolve(req: Request) -> Any:
    """The shop's owner if the request carries a valid session token; None if it carries none."""
    from webapp.admin.access import OWNER, Principal

    settings = wismo().settings
    embedded = req.args.get("embedded") == "1"
    token = _token_of(req)
    if (token is None and not embedded) or not settings.shopify_api_secret:
        return None  # not a Shopify request: the next resolver (cookie session) decides
    from .routes import PATCH_PATH, _app, _refused

    verified = auth.verify_session(_app(), req.method, req.url, dict(req.headers), PATCH_PATH)
    if not verified.ok or verified.shop is None:
        _refuse(_refused(verified))  # 401 + retry header for fetches, the patch page for documents
    with wismo().session() as s:
        shop = compliance.shop_by_domain(s, verified.shop, active_only=True)
        if shop is None:
            _refuse(_refused(auth.Verified(False, status=401, reason="not installed")))
        support = ((shop.settings or {}).get("branding") or {}).get("support_email") or ""
        g.shopify_id_token = token
        return Principal(
            shop_id=shop.id,
            role=OWNER,
            email=support,
            via="shopify",
            shop_name=shop.name,
            frame_ancestors=auth.frame_ancestors(verified.shop)
            .removeprefix("frame-ancestors ")
            .rstrip(";"),
        )


def _refuse(response: Any) -> NoReturn:
    g.admin_principal = None  # nobody: later asks this request (response headers) need not verify
    abort(response)


def keep_id_token(endpoint: str, values: dict[str, Any]) -> None:
    """Admin URLs built during an embedded request carry its session token along."""
    token = g.get("shopify_id_token")
    if token and endpoint.startswith("admin") and "id_token" not in values:
        values["id_token"] = token


def install(app: Flask) -> None:
    """Let Shopify's session tokens sign merchants in to the admin."""
    from webapp.admin.access import add_resolver

    add_resolver(app, resolve, first=True)
    app.url_defaults(keep_id_token)
