"""The Shopify app's own routes: the app-wide webhook URL, install, the embedded admin.

Views stay thin: verify, call one function, answer. The storefront (app proxy)
routes live in proxy.py.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Any

from flask import (
    Blueprint,
    Response,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from shopify_app import ShopifyApp
from sqlalchemy import func, select

from core.domain.events import utc_instant
from core.domain.intake import InvalidEvent
from core.domain.states import MessageState
from core.errors import ConfigError, InvalidSignature, MalformedPayload, UnknownShop
from core.i18n import NP_, Marked
from core.rendering.locales import normalize_locale
from core.services.ingest import ingest
from core.services.shops import create_shop
from core.storage.models import DataExport, Notification, Order, Shop
from wismo.sdk.web import current_container, refused_at_intake

from . import auth, compliance, webhooks
from .api import ShopifyApi, ShopifyApiError, Tokens
from .tokens import load_tokens, save_tokens

log = logging.getLogger(__name__)
bp = Blueprint(
    "shopify",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/shopify/static",
)
PATCH_PATH = "/shopify/app/patch-id-token"


def api() -> ShopifyApi:
    """The Admin API client for the app's credentials."""
    return ShopifyApi.from_settings(current_container().settings)


def _secret() -> tuple[str, str | None]:
    s = current_container().settings
    if not s.shopify_api_secret:
        raise ConfigError("WISMO_SHOPIFY_API_SECRET is not set")
    return s.shopify_api_secret, s.shopify_api_secret_previous


# --- webhooks -----------------------------------------------------------------------------


@bp.post("/webhooks/shopify")
def webhook() -> Any:
    """Every topic: HMAC first, then compliance in place or events stored for the pipeline."""
    if (
        not current_container().settings.shopify_api_secret
    ):  # not configured: no such endpoint, no hint why
        raise UnknownShop("not found")
    raw, headers = request.get_data(cache=True), dict(request.headers)
    webhooks.verify(raw, headers, *_secret())
    topic = webhooks.header(headers, "X-Shopify-Topic") or ""
    domain = auth.valid_shop(webhooks.header(headers, "X-Shopify-Shop-Domain"))
    if not topic or domain is None:
        raise MalformedPayload("X-Shopify-Topic and X-Shopify-Shop-Domain are required")
    data = webhooks.load(raw)
    c = current_container()
    if topic == "app/uninstalled":
        return jsonify(compliance.uninstall(c, domain)), 200
    if topic in compliance.TOPICS:
        key = webhooks.header(headers, "X-Shopify-Webhook-Id") or ""
        shop_id = compliance.defer(c, topic, domain, data, key)
        if shop_id is not None:
            _enqueue_work(c, shop_id)
        return jsonify({"topic": topic, "held": shop_id is not None}), 200
    with c.session() as s:
        shop = _receiving_shop(s, domain, webhooks.header(headers, "X-Shopify-Triggered-At"))
        if shop is None:
            raise UnknownShop(f"{domain} has uninstalled Wismo")
        try:
            events = webhooks.parse(topic, data, headers)
        except InvalidEvent as exc:
            return refused_at_intake(s, shop.id, "shopify", exc)
        result = ingest(s, c.queue, shop.id, events)
    return jsonify({"accepted": result.accepted, "duplicates": result.duplicates}), 200


def _receiving_shop(s: Any, domain: str, triggered: str | None) -> Shop | None:
    """The shop a validly signed delivery is for, created when it is new.

    With managed install the merchant may not open the app before the first orders come,
    so Shopify's signature is proof enough: the shop is created, pending its token (the
    first admin visit exchanges it). A shop that uninstalled takes deliveries again only
    when they were triggered after the uninstall (a new install), not late retries.
    """
    shop = compliance.shop_by_domain(s, domain)
    if shop is not None and shop.active:
        return shop
    if shop is not None:
        gone = utc_instant((shop.state or {}).get("uninstalled_at"))
        when = utc_instant(triggered)
        if gone is None or when is None or when <= gone:
            return None
    else:
        c = current_container()
        shop = create_shop(s, c.box, name=domain, platform="shopify", domain=domain).shop
    shop.active = True
    info = dict((shop.state or {}).get("shopify") or {})
    shop.state = {**(shop.state or {}), "shopify": {**info, "awaiting_token": True}}
    log.info("%s: first delivery before the app was opened; shop kept, pending its token", domain)
    return shop


def _enqueue_work(c: Any, shop_id: int) -> None:
    """Queue the shop's deferred privacy work; without a queue, do it now rather than never."""
    try:
        c.queue.enqueue("adapter_work", shop_id)
    except Exception as exc:
        log.warning("could not queue privacy work for shop %s (%s): doing it now", shop_id, exc)
        compliance.run_pending(c, shop_id)


# --- install ------------------------------------------------------------------------------


def install_shop(domain: str, tokens: Tokens) -> int:
    """Create (or re-activate) the shop, keep its tokens sealed, and import its open orders."""
    c = current_container()
    with c.session() as s:
        shop = compliance.shop_by_domain(s, domain)
        if shop is None:
            shop = create_shop(s, c.box, name=domain, platform="shopify", domain=domain).shop
        shop.active = True
        save_tokens(c.box, shop, tokens)  # (and no longer awaiting its token)
        first = not ((shop.state or {}).get("shopify") or {}).get("backfilled_at")
        s.commit()
        shop_id = shop.id
    if first:
        try:
            c.queue.enqueue("backfill_shop", shop_id)
        except Exception as exc:  # the merchant can still run `wismo backfill`
            log.warning("could not queue the backfill of %s: %s", domain, exc)
    return shop_id


@bp.get("/shopify/install")
def install() -> Any:
    """Standalone install: check the shop host (and HMAC if sent), then off to Shopify."""
    shop = auth.valid_shop(request.args.get("shop"))
    if shop is None:
        raise MalformedPayload("shop must be a *.myshopify.com host")
    secret, previous = _secret()
    if "hmac" in request.args and not auth.query_hmac_ok(
        request.args.items(multi=True), secret, previous
    ):
        raise InvalidSignature("the install link's hmac does not match")
    state = secrets.token_urlsafe(24)
    session["shopify_oauth"] = {"state": state, "shop": shop}
    s = current_container().settings
    callback = f"{s.public_url}/shopify/callback"
    return redirect(auth.authorize_url(shop, s.shopify_api_key or "", callback, state))


@bp.get("/shopify/callback")
def callback() -> Any:
    """Shopify sent the merchant back: shop host, HMAC and state checked, code exchanged."""
    shop = auth.valid_shop(request.args.get("shop"))
    if shop is None:
        raise MalformedPayload("shop must be a *.myshopify.com host")
    if not auth.query_hmac_ok(request.args.items(multi=True), *_secret()):
        raise InvalidSignature("the callback's hmac does not match")
    expected = session.pop("shopify_oauth", None) or {}
    given = request.args.get("state", "")
    if expected.get("shop") != shop or not hmac.compare_digest(
        str(expected.get("state", "")), given
    ):
        raise InvalidSignature("state does not match this browser's install request")
    code = request.args.get("code")
    if not code:
        raise MalformedPayload("code is missing")
    with api() as client:
        install_shop(shop, client.exchange_code(shop, code))
    key = current_container().settings.shopify_api_key
    return redirect(f"https://admin.shopify.com/store/{shop.split('.')[0]}/apps/{key}")


# --- embedded admin -----------------------------------------------------------------------


def _app() -> ShopifyApp:
    """Shopify's request verifier for the app's credentials (no HTTP client needed)."""
    s = current_container().settings
    if not s.shopify_api_key or not s.shopify_api_secret:
        raise ConfigError("set WISMO_SHOPIFY_API_KEY and WISMO_SHOPIFY_API_SECRET")
    return ShopifyApp(s.shopify_api_key, s.shopify_api_secret, s.shopify_api_secret_previous)


def _refused(v: auth.Verified) -> Response:
    response = Response("Unauthorized" if v.status == 401 else "", status=v.status)
    for k, value in (v.headers or {}).items():
        response.headers[k] = value
    return response


@bp.get(PATCH_PATH)
def patch_id_token() -> Any:
    """The tiny App Bridge page that fetches a fresh session token and reloads."""
    url = request.url
    result = _app().app_home_patch_id_token(
        {"method": "GET", "url": url, "headers": dict(request.headers), "body": ""}
    )
    return Response(result.response.body, result.response.status, result.response.headers)


@bp.get("/shopify/app")
def admin_home() -> Any:
    """The embedded admin page; a first visit installs the shop by token exchange."""
    v = auth.verify_session(_app(), "GET", request.url, dict(request.headers), PATCH_PATH)
    if not v.ok or v.shop is None:
        return _refused(v)
    c = current_container()
    with c.session() as s:
        shop = compliance.shop_by_domain(s, v.shop)
        installed = shop is not None and shop.active and load_tokens(c.box, shop) is not None
    if not installed:
        try:
            with api() as client:
                install_shop(v.shop, client.exchange_session_token(v.id_token, v.retry))
        except ShopifyApiError as exc:
            return _exchange_failed(v.shop, exc)
    summary = _summary(v.shop)
    html = render_template(
        "shopify/admin.html",
        shop=v.shop,
        summary=summary,
        denied=_denied_notice(summary, normalize_locale(request.args.get("locale")) or "en"),
        api_key=c.settings.shopify_api_key,
        public_url=c.settings.public_url,
        admin_url=url_for("admin.home", shop=v.shop, host=request.args.get("host"), embedded="1"),
    )
    response = Response(html, 200, {"Content-Type": "text/html; charset=utf-8"})
    for k, value in (v.headers or {}).items():
        response.headers[k] = value
    response.headers["Content-Security-Policy"] = auth.frame_ancestors(v.shop)
    return response


# what to tell the merchant when Shopify withholds protected fields
PROTECTED_DATA = NP_(
    "shopify",
    "Shopify withholds these fields of your customers' protected customer data from Wismo: "
    "{fields}. Orders are still followed, but messages cannot reach shoppers without an "
    "email or phone. In the Partner Dashboard (Apps → Wismo → API access → Protected "
    "customer data) request level 2 access to name, email and phone.",
)

FIELD_NAMES: dict[str, Marked] = {  # the Admin API's protected fields in the merchant's words
    "email": NP_("shopify field", "email"),
    "phone": NP_("shopify field", "phone"),
    "firstName": NP_("shopify field", "name"),
    "lastName": NP_("shopify field", "name"),
}


def _denied_notice(summary: dict[str, Any], locale: str) -> str:
    """What to tell the merchant about withheld protected fields ('' when none are)."""
    fields = summary.get("protected_fields_denied") or []
    if not fields:
        return ""
    names = dict.fromkeys(FIELD_NAMES[f](locale) if f in FIELD_NAMES else f for f in fields)
    return PROTECTED_DATA(locale, fields=", ".join(names))


EXCHANGE_FAILED = NP_(
    "shopify",
    "Shopify did not answer Wismo's install request. Reload the page in a minute.",
)


def _exchange_failed(shop: str, exc: ShopifyApiError) -> Response:
    """A failed token exchange: a stale token is renewed (patch page or 401 with the retry
    header, as `shopifyapp` answers); anything else is Shopify's trouble, retried later."""
    log.warning("token exchange for %s failed: %s", shop, exc)
    res = exc.response
    if exc.code == "invalid_subject_token" and res is not None:
        return Response(res.body, res.status, dict(res.headers))
    locale = normalize_locale(request.args.get("locale")) or "en"
    response = Response(
        EXCHANGE_FAILED(locale),
        503,
        {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "60"},
    )
    response.headers["Content-Security-Policy"] = auth.frame_ancestors(shop)
    return response


@bp.get("/shopify/app/api/summary")
def admin_summary() -> Any:
    """The admin page's data, for App Bridge fetches carrying the session token."""
    v = auth.verify_session(_app(), "GET", request.url, dict(request.headers), PATCH_PATH)
    if not v.ok or v.shop is None:
        return _refused(v)
    return jsonify(_summary(v.shop))


def _summary(domain: str) -> dict[str, Any]:
    c = current_container()
    with c.session() as s:
        shop = compliance.shop_by_domain(s, domain)
        if shop is None:
            return {"installed": False}
        exports = s.scalars(
            select(DataExport)
            .where(DataExport.shop_id == shop.id)
            .order_by(DataExport.id.desc())
            .limit(20)
        ).all()
        return {
            "installed": shop.active,
            "protected_fields_denied": ((shop.state or {}).get("shopify") or {}).get(
                "protected_fields_denied"
            )
            or [],
            "orders": s.scalar(select(func.count(Order.id)).where(Order.shop_id == shop.id)),
            "messages_sent": s.scalar(
                select(func.count(Notification.id)).where(
                    Notification.shop_id == shop.id, Notification.state == MessageState.SENT
                )
            ),
            "data_exports": [
                {
                    "id": e.id,
                    "subject": e.subject,
                    "request": e.request_ref,
                    "created_at": e.created_at.isoformat(),
                    "data": e.payload,
                }
                for e in exports
            ],
        }
