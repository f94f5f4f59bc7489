"""The shopper's tracking page: `GET /track` (lookup) and `GET /track/<token>` (signed link).

A failed lookup answers the same status and the same bytes whatever went wrong (no such
order, wrong email or phone, another shop's order), after the same database work, so
orders cannot be enumerated; attempts are rate-limited per IP and per order number
(webapp/limits.py). Styles come in through a CSP hash, never a nonce, so a page's bytes
depend only on what it shows.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.rules import OPTIONAL_EMAIL
from core.domain.statuses import Status
from core.rendering import normalize_locale
from core.rendering.display import https_origin
from core.rendering.moments import shopper_zone
from core.services.brand import brand
from core.services.lookup import find_order, visitor_hash
from core.services.optin import messenger_options
from core.services.problems import CLOSED_KINDS, OPEN_KINDS
from core.services.scans import parcel_scans
from core.services.shopper import (
    Preference,
    can_rate,
    feedback_of,
    is_closed,
    preferences,
    record_visit,
)
from core.services.shops import shop_by_key
from core.services.summary import milestones
from core.services.tracking_links import LINK_DAYS, Expired, order_for_token, tracking_token
from core.services.tracking_view import tracking_view
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Order, Shop
from wismo.sdk.web import browser_locale, page_locale

from .context import wismo
from .limits import check_lookup
from .pages import not_found
from .shopper_text import Words, faq_for, promotion_for, refund_days

bp = Blueprint("tracking", __name__)

SOURCES = ("lookup", "widget", "proxy", "answer")
DONE = ("preferences", "feedback", "problem")


def csp(styles: str, logo_url: str | None = None) -> str:
    """The page's CSP: its one inline style allowed by hash, images only from here (and logo)."""
    digest = base64.b64encode(hashlib.sha256(styles.encode()).digest()).decode()
    logo = https_origin(logo_url)
    return (
        f"default-src 'self'; style-src 'self' 'sha256-{digest}'; "
        f"img-src 'self' data:{' ' + logo if logo else ''}; script-src 'none'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def brand_style(b: dict[str, Any]) -> str:
    return f":root{{--brand:{b['color']};--brand-ink:{b['ink']};--on-brand:{b['on_color']}}}"


def load_order(s: Session, shop_id: int, order_id: int) -> tuple[Shop, Order] | None:
    """The order, only if it belongs to that shop (and the shop is active)."""
    order = s.scalar(select(Order).where(Order.shop_id == shop_id, Order.id == order_id))
    shop = s.get(Shop, shop_id) if order else None
    if order is None or shop is None or not shop.active:
        return None
    return shop, order


def order_from_token(s: Session, token: str) -> tuple[Shop, Order] | None:
    """The shop and order a tracking token opens, or None (forged, foreign or expired)."""
    found = order_for_token(s, wismo().links, token, utcnow())
    return found if isinstance(found, tuple) else None


def link_expired(shop: Shop, order: Order) -> Response:
    """An expired link (410): said plainly, in the shopper's language, with the lookup form
    that finds the order again by its number and the shopper's email or phone."""
    locale = page_locale(shop, order)
    message = Words(locale)("link_expired", days=LINK_DAYS)
    return _lookup_page(shop, 410, message, locale=locale)


def tracking_not_found() -> tuple[str, int]:
    """The tracking 404, in the browser's language; it never says why."""
    return not_found(browser_locale() or "en")


def visitor() -> str:
    """This visitor as a salted daily hash (the IP itself is never stored)."""
    day = datetime.now(UTC).date().isoformat()
    secret = wismo().settings.secret_key
    agent = request.headers.get("User-Agent", "")
    return visitor_hash(secret, request.remote_addr or "", agent, day)


@bp.get("/track/<token>")
def track(token: str) -> ResponseReturnValue:
    """The shopper's tracking page, reached by the signed link in every message."""
    with wismo().session() as s:
        found = order_for_token(s, wismo().links, token, utcnow())
        if isinstance(found, Expired):
            return link_expired(found.shop, found.order)
        if found is None:
            return tracking_not_found()
        shop, order = found
        done = request.args.get("done")
        if done not in DONE:  # coming back from one of the page's own forms is no new visit
            source = request.args.get("src")
            record_visit(s, shop.id, order.id, source if source in SOURCES else "link", visitor())
            s.commit()
        return render_tracking(s, shop, order, token, done=done if done in DONE else None)


def show_order(shop_id: int, order_id: int, source: str = "proxy") -> ResponseReturnValue:
    """The tracking page for an order a platform vouched for (an app proxy, an account page).

    For adapter blueprints: verify the platform's own signature first, then call this with
    the ids; the visit is counted under `source`.
    """
    with wismo().session() as s:
        found = load_order(s, shop_id, order_id)
        if found is None:
            return tracking_not_found()
        shop, order = found
        record_visit(s, shop.id, order.id, source, visitor())
        s.commit()
        token = tracking_token(wismo().links, order)
        s.commit()  # a public id given to an order from before opaque links
        return render_tracking(s, shop, order, token)


def shown_preferences(prefs: list[Preference], closed: bool) -> list[Preference]:
    """The channels the page offers: a closed order has no delivery news to switch off."""
    return [p for p in prefs if p.channel != OPTIONAL_EMAIL] if closed else prefs


def render_tracking(
    s: Session,
    shop: Shop,
    order: Order,
    token: str,
    done: str | None = None,
    error: str = "",
    confirm_off: list[str] | None = None,
) -> Response:
    """The full tracking page for a loaded order (`confirm_off`: opt-outs to confirm)."""
    locale = page_locale(shop, order)
    settings = settings_of(shop)
    zone = shopper_zone(order.customer.timezone if order.customer else None, settings.timezone)
    view = tracking_view(shop, order, milestones(s, order), locale, zone, parcel_scans(s, order))
    rated = feedback_of(s, order)
    branding = settings.branding
    closed = is_closed(order)
    prefs = preferences(s, shop, order.customer)
    view.update(
        token=token,
        faq=faq_for(branding, locale, closed),
        promo=promotion_for(settings, locale),
        # a cancelled or refunded order: no delivery news to switch off, only the channels
        prefs=[
            replace(p, on=False) if p.channel in (confirm_off or ()) else p
            for p in shown_preferences(prefs, closed)
        ],
        confirm_off=confirm_off or [],
        confirm_names=", ".join(Words(locale)("ch_" + ch) for ch in confirm_off or []),
        problem_kinds=CLOSED_KINDS if closed else OPEN_KINDS,
        next_step=Words(locale)(
            "next_refunded" if order.status == Status.REFUNDED else "next_cancelled",
            days=refund_days(branding),
        )
        if closed
        else None,
        can_rate=can_rate(order),
        rating=rated.rating if rated else None,
        comment=rated.comment if rated else "",
        done=done,
        error=error,
        messengers=messenger_options(
            wismo().settings.secret_key, shop, order, locale
        ),  # Telegram / Viber opt-in
    )
    styles = brand_style(view["brand"])
    g.csp = csp(styles, view["brand"]["logo_url"])
    body = render_template("track/page.html", v=view, t=Words(locale), locale=locale, styles=styles)
    response = Response(body, status=400 if error else 200)
    response.headers["Content-Language"] = locale
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Accept-Language")
    return response


def lookup_locale(shop: Shop | None) -> str:
    """The lookup form's language: the browser's, else the shop's, else English."""
    shop_locale = normalize_locale(settings_of(shop).locale) if shop else None
    return browser_locale() or shop_locale or "en"


def _lookup_page(
    shop: Shop | None,
    status: int,
    message: str | None = None,
    number: str = "",
    locale: str | None = None,
) -> Response:
    """The lookup form: its bytes depend only on the shop, the language, the message and the
    number typed (kept after a failure; the email or phone is not echoed back)."""
    locale = locale or lookup_locale(shop)
    b = brand(settings_of(shop).branding, shop) if shop else None
    styles = brand_style(b) if b else ""
    g.csp = csp(styles, b["logo_url"] if b else None)
    body = render_template(
        "track/lookup.html",
        t=Words(locale),
        locale=locale,
        b=b,
        shop_key=shop.key if shop else None,
        message=message,
        number=number,
        styles=styles,
    )
    response = Response(body, status=status)
    response.headers["Content-Language"] = locale
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Accept-Language")
    return response


def _shop_param(s: Session) -> Shop | None:
    key = request.values.get("shop", "").strip()
    return shop_by_key(s, key) if key else None


@bp.get("/track")
def lookup_form() -> ResponseReturnValue:
    """The lookup form (branded with `?shop=KEY`)."""
    with wismo().session() as s:
        return _lookup_page(_shop_param(s), 200)


@bp.post("/track")
def lookup() -> ResponseReturnValue:
    """Find the order by number plus email or phone; open its page, or one uniform failure."""
    number = request.form.get("number", "")[:100]
    contact = request.form.get("contact", "")[:320]
    with wismo().session() as s:
        shop = _shop_param(s)
        words = Words(lookup_locale(shop))
        try:
            check_lookup(number, shop.key if shop else None)
        except RateLimitExceeded:
            return _lookup_page(shop, 429, words("too_many"), number)
        order = find_order(s, number, contact, shop.id if shop else None)
        if order is None:
            return _lookup_page(shop, 404, words("lookup_failed"), number)
        token = tracking_token(wismo().links, order)
        s.commit()
    return redirect(url_for("tracking.track", token=token, src="lookup"), code=303)
