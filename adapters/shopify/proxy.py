"""The storefront: the app proxy (the store's /apps/wismo/...), rendered inside the theme.

Shopify signs each proxied request (`signature`, `timestamp`); with
`logged_in_customer_id` the shopper sees their own orders without typing anything,
otherwise a lookup by order number and email. The timeline is rendered here, on the
server, from the same view the tracking page uses (the carrier's scans, the pickup point
with its hours and last day, the courier's window, the carrier's phone), so it works
without JavaScript.
Answers are `application/liquid`: Shopify renders them inside the shop's theme, so
every brace of our output is escaped to keep shopper data from being read as Liquid.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from flask import Response, jsonify, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.i18n import NP_, Marked
from core.rendering.locales import normalize_locale
from core.rendering.moments import first_zone
from core.services.contacts import normalize_email
from core.services.scans import parcel_scans
from core.services.summary import milestones
from core.services.tracking_links import tracking_url
from core.services.tracking_view import tracking_view
from core.shop_settings import settings_of
from core.storage.models import Customer, Order, Shop
from core.storefront import sign_storefront_token
from wismo.sdk.web import browser_locale, current_container, page_locale

from . import auth, compliance
from .routes import _app, bp

MAX_ORDERS = 5
PREFIXES = ("/apps/", "/a/", "/community/", "/tools/")

WORDS: dict[str, Marked] = {
    "title": NP_("shopify proxy", "Order status"),
    "lookup": NP_("shopify proxy", "Find your order"),
    "number": NP_("shopify proxy", "Order number"),
    "email": NP_("shopify proxy", "Email"),
    "find": NP_("shopify proxy", "Show status"),
    "none": NP_("shopify proxy", "We could not find an order with that number and email."),
    "no_orders": NP_("shopify proxy", "You have no orders yet."),
    "slow": NP_("shopify proxy", "Too many attempts. Please wait a minute and try again."),
    "details": NP_("shopify proxy", "Full tracking page"),
    "track": NP_("shopify proxy", "Track parcel"),
    "expected": NP_("shopify proxy", "Expected"),
    "pickup": NP_("shopify proxy", "Pickup point"),
    "hours": NP_("shopify proxy", "Opening hours"),
    "pick_up_by": NP_("shopify proxy", "Pick up by"),
    "scans": NP_("shopify proxy", "Carrier updates"),
    "window": NP_("shopify proxy", "Courier arrives"),
    "carrier_phone": NP_("shopify proxy", "Carrier's phone"),
}


def words(locale: str) -> dict[str, str]:
    """The proxy page's words in `locale`."""
    return {key: text(locale) for key, text in WORDS.items()}


class Limiter:
    """At most `limit` lookups per key in `window` seconds (per process; enough to stop
    guessing through one web worker, and the proxy sits behind Shopify's own limits)."""

    def __init__(self, limit: int = 10, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


LOOKUPS = Limiter()


@bp.get("/shopify/proxy/widget-config")
def widget_config() -> Any:
    """What the theme block needs to start the widget, per the widget contract.

    For the signed-in owner of `order_id` it signs a storefront token server-side (the
    browser never sees the shop's secret); for anyone else it names the shop, and the
    widget shows its lookup form.
    """
    v = auth.verify_proxy(_app(), request.url, dict(request.headers))
    if not v.ok or v.shop is None:
        return Response("Unauthorized", 401, {"Content-Type": "text/plain"})
    c = current_container()
    with c.session() as s:
        shop = compliance.shop_by_domain(s, v.shop, active_only=True)
        if shop is None:
            return jsonify({"error": "not installed"}), 404
        config: dict[str, Any] = {
            "shop": shop.key,
            "widget_url": f"{c.settings.public_url}/widget.js",
            "locale": normalize_locale(request.args.get("locale")) or "en",
        }
        order_id = request.args.get("order_id", "").strip()
        if v.customer_id and order_id:
            owned = s.scalar(
                select(Order.external_id)
                .join(Customer, Order.customer_id == Customer.id)
                .where(Order.shop_id == shop.id, Order.external_id == order_id)
                .where(Customer.external_id == v.customer_id)
            )
            if owned:
                secret = c.box.open(shop.secrets)["webhook_secret"]
                config["token"] = sign_storefront_token(secret, shop.key, owned)
    response = jsonify(config)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/shopify/proxy")
@bp.get("/shopify/proxy/<path:rest>")
def storefront(rest: str = "") -> Any:
    """The shopper's order status inside the shop's theme."""
    v = auth.verify_proxy(_app(), request.url, dict(request.headers))
    if not v.ok or v.shop is None:
        return Response("Unauthorized", 401, {"Content-Type": "text/plain"})
    c = current_container()
    with c.session() as s:
        shop = compliance.shop_by_domain(s, v.shop, active_only=True)
        if shop is None:
            return _answer(render_template("shopify/proxy.html", t=words("en"), missing=True), 404)
        orders, message = _orders(s, shop, v.customer_id)
        locale = (  # the theme's language if Shopify passed it, else the shopper's own
            normalize_locale(request.args.get("locale"))
            or (page_locale(shop, orders[0]) if orders else None)
            or browser_locale()
            or normalize_locale(settings_of(shop).locale)
            or "en"
        )
        views = [_view(s, shop, o) for o in orders]
        links = [tracking_url(c.links, o) for o in orders]
        html = render_template(
            "shopify/proxy.html",
            t=words(locale),
            locale=locale,
            views=list(zip(views, links, strict=True)),
            logged_in=bool(v.customer_id),
            message=message and WORDS[message](locale),
            action=_action(),
            number=request.args.get("number", "")[:64],
            email=request.args.get("email", "")[:320],
        )
    return _answer(html, 200)


def _orders(s: Session, shop: Shop, customer_id: str | None) -> tuple[list[Order], str | None]:
    """The logged-in customer's latest orders, or the one the lookup form names."""
    if customer_id:
        orders = list(
            s.scalars(
                select(Order)
                .join(Customer, Order.customer_id == Customer.id)
                .where(Order.shop_id == shop.id, Customer.shop_id == shop.id)
                .where(Customer.external_id == customer_id)
                .order_by(Order.placed_at.desc().nulls_last(), Order.id.desc())
                .limit(MAX_ORDERS)
            )
        )
        return orders, None if orders else "no_orders"
    number = request.args.get("number", "").strip().lstrip("#")
    email = normalize_email(request.args.get("email"))
    if not number or not email:
        return [], None
    visitor = request.headers.get("X-Forwarded-For", request.remote_addr or "").split(",")[0]
    if not LOOKUPS.allow(f"{shop.id}:{visitor.strip()}"):
        return [], "slow"
    order = s.scalars(
        select(Order)
        .join(Customer, Order.customer_id == Customer.id)
        .where(Order.shop_id == shop.id, Customer.shop_id == shop.id)
        .where(Order.number.in_((number, f"#{number}")))
        .where(func.lower(Customer.email) == email)
        .limit(1)
    ).first()
    return ([order], None) if order else ([], "none")


def _view(s: Session, shop: Shop, order: Order) -> dict[str, Any]:
    """The tracking page's view of one order, in its shopper's language and zone."""
    zone = first_zone(
        order.customer.timezone if order.customer else None, settings_of(shop).timezone
    )
    locale = page_locale(shop, order)
    return tracking_view(shop, order, milestones(s, order), locale, zone, parcel_scans(s, order))


def _action() -> str:
    """Where the lookup form posts back: the storefront path Shopify proxied."""
    prefix = request.args.get("path_prefix", "")
    return prefix if prefix.startswith(PREFIXES) and "//" not in prefix else "/apps/wismo"


def _answer(html: str, status: int) -> Response:
    """Liquid for the theme (or plain HTML with ?format=html), braces escaped."""
    safe = html.replace("{", "&#123;").replace("}", "&#125;")
    kind = "text/html" if request.args.get("format") == "html" else "application/liquid"
    response = Response(safe, status, {"Content-Type": f"{kind}; charset=utf-8"})
    response.headers["Cache-Control"] = "private, no-store"
    return response
