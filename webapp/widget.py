"""The storefront widget: `GET /widget.js` and the JSON it reads from `/api/v1/widget/...`.

CORS: any origin may read widget data (`Access-Control-Allow-Origin: *`). The widget
sends no cookies and receives none; what it reads is authorised by what the request
carries (a token the shop signed, or the order number plus email or phone), so a
per-shop origin list would add set-up for merchants (themes, previews, custom domains)
without protecting anything. Responses are `no-store`; widget.js itself is cached
briefly by everyone (`public, max-age=300`) and revalidated with an ETag.
"""

from __future__ import annotations

import hashlib
import time
from functools import cache
from importlib import resources

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy import select

from core.domain.intake import time_zones
from core.errors import InvalidSignature
from core.rendering import normalize_locale
from core.rendering.promise_words import promise_line
from core.services.lookup import find_order
from core.services.promises import quote
from core.services.shopper import record_visit
from core.services.shops import shop_by_key
from core.services.summary import order_summary
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Order
from core.storefront import read_storefront_token, verify_storefront_token

from .context import wismo
from .limits import check_lookup, check_promise
from .tracking import visitor

bp = Blueprint("widget", __name__)

NOT_FOUND = {"error": "not_found"}
# A genuine token for an order Wismo has not heard of yet: the shop's page shows the widget
# the moment the order exists, and its webhook follows later (WooCommerce delivers through
# Action Scheduler, often a minute or more after checkout). Saying so reveals nothing: only
# the shop's server can sign a token. The widget keeps polling instead of "not found".
# Answered 202, not 404: a 4xx fills the shopper's browser console with errors while the
# widget waits.
PENDING = {"error": "pending"}
# ... unless the token says the order was placed long before: then no webhook is coming (an
# order from before Wismo was connected), and the widget says plainly that it has no live
# status instead of promising one "in a minute" forever.
UNKNOWN = {"error": "unknown"}
UNKNOWN_AFTER = 2 * 3600  # seconds after the order was placed: webhooks arrive within minutes


@cache
def widget_source() -> tuple[bytes, str]:
    """widget.js and its ETag, read once per process."""
    data = resources.files("webapp").joinpath("static/widget.js").read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:20]


@bp.get("/widget.js")
def widget_js() -> ResponseReturnValue:
    """The widget script: cacheable by browsers and CDNs, revalidated by ETag."""
    data, etag = widget_source()
    response = Response(data, mimetype="text/javascript")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300, stale-while-revalidate=86400"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


@bp.after_request
def cors(response: Response) -> Response:
    """Widget data is readable from any shop's pages; never with credentials."""
    if request.path.startswith("/api/v1/widget/"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/api/v1/widget/promise", methods=["OPTIONS"])
@bp.route("/api/v1/widget/order", methods=["OPTIONS"])
@bp.route("/api/v1/widget/lookup", methods=["OPTIONS"])
def preflight() -> ResponseReturnValue:
    """CORS preflight for the JSON POST."""
    return Response(status=204)


def _locale(order: Order, wanted: str | None) -> str:
    customer = order.customer
    return (
        normalize_locale(wanted)
        or normalize_locale(order.locale)
        or normalize_locale(customer.locale if customer else None)
        or "en"
    )


@bp.get("/api/v1/widget/order")
def widget_order() -> ResponseReturnValue:
    """The order a shop-signed storefront token names, as the widget shows it."""
    token = request.args.get("token", "")
    c = wismo()
    with c.session() as s:
        try:
            claim = read_storefront_token(token)
            shop = shop_by_key(s, claim.shop_key)
            if shop is None:
                raise InvalidSignature("unknown shop")
            secrets = c.box.open(shop.secrets)
            previous = secrets.get("webhook_secret_previous") or []  # during a rotation
            keys = [k for k in [secrets.get("webhook_secret"), *previous] if k]
            verify_storefront_token(token, keys)
        except InvalidSignature:
            return jsonify(NOT_FOUND), 404
        found = s.scalar(
            select(Order).where(Order.shop_id == shop.id, Order.external_id == claim.order_id)
        )
        if found is None:
            old = claim.placed is not None and claim.placed < time.time() - UNKNOWN_AFTER
            return jsonify(UNKNOWN if old else PENDING), 202
        record_visit(s, shop.id, found.id, "widget", visitor())
        s.commit()
        locale = _locale(found, request.args.get("locale"))
        return jsonify(order_summary(s, found, locale, c.links, "widget"))


@bp.post("/api/v1/widget/lookup")
def widget_lookup() -> ResponseReturnValue:
    """The widget's form: one shop's order by number plus email or phone."""
    data = request.get_json(silent=True, force=True)
    data = data if isinstance(data, dict) else {}
    number, contact = str(data.get("number") or "")[:100], str(data.get("contact") or "")[:320]
    shop_key = str(data.get("shop") or "")[:40]
    c = wismo()
    with c.session() as s:
        shop = shop_by_key(s, shop_key) if shop_key else None
        try:
            check_lookup(number, shop.key if shop else shop_key or None)
        except RateLimitExceeded:
            return jsonify({"error": "too_many_attempts"}), 429
        order = find_order(s, number, contact, shop.id if shop else -1)
        if order is None or shop is None:
            return jsonify(NOT_FOUND), 404
        record_visit(s, shop.id, order.id, "widget", visitor())
        s.commit()
        locale = _locale(order, str(data.get("locale") or ""))
        return jsonify(order_summary(s, order, locale, c.links, "widget"))


@bp.get("/api/v1/widget/promise")
def widget_promise() -> ResponseReturnValue:
    """Before purchase: when an order placed now would arrive (product and cart pages)."""
    args = request.args
    shop_key = args.get("shop", "")[:40]
    try:
        check_promise(shop_key or None)
    except RateLimitExceeded:
        return jsonify({"error": "too_many_attempts"}), 429
    zone = args.get("tz", "")[:64]
    country = args.get("country", "")[:2].upper()
    c = wismo()
    with c.session() as s:
        shop = shop_by_key(s, shop_key) if shop_key else None
        if shop is None or not shop.active:
            return jsonify(NOT_FOUND), 404
        if not settings_of(shop).promise.enabled:
            return jsonify({"error": "off"}), 404
        now = utcnow()
        promise = quote(
            s,
            shop,
            now,
            carrier=args.get("carrier", "")[:100] or None,
            destination=country if country.isalpha() and len(country) == 2 else None,
            shopper_timezone=zone if zone in time_zones() else None,
        )
        locale = normalize_locale(args.get("locale")) or settings_of(shop).locale
    left = promise.holds_until - now if promise.holds_until else None
    return jsonify(
        {
            "earliest": promise.earliest.isoformat(),
            "latest": promise.latest.isoformat(),
            "single": promise.single,
            "cause": promise.cause,
            "order_within_seconds": int(left.total_seconds()) if left else None,
            "locale": locale,
            "text": promise_line(
                promise.earliest, promise.latest, promise.holds_until, now, locale
            ),
        }
    )
