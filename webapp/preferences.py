"""Unsubscribing from optional emails: the link in the footer and RFC 8058 one-click POST."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask.typing import ResponseReturnValue

from core.domain.rules import OPTIONAL_EMAIL
from core.i18n import NP_, Marked
from core.links import UNSUBSCRIBE
from core.rendering import normalize_locale
from core.services.brand import brand
from core.services.contacts import record_opt_out
from core.shop_settings import settings_of
from core.storage.models import Customer, Shop

from .context import wismo
from .pages import not_found
from .tracking import brand_style, csp

bp = Blueprint("preferences", __name__)

TEXT: dict[str, Marked] = {
    "title": NP_("unsubscribe page", "Unsubscribe"),
    "ask": NP_("unsubscribe page", "Stop order progress emails from {shop}?"),
    "note": NP_(
        "unsubscribe page",
        "You will still receive order confirmations and anything that needs your attention "
        "(a problem, a cancellation, a refund).",
    ),
    "button": NP_("unsubscribe page", "Unsubscribe"),
    "done": NP_(
        "unsubscribe page",
        "Done: {shop} will send no more progress emails to {email}.",
    ),
    "visit": NP_("unsubscribe page", "Visit the shop"),
    "back": NP_("unsubscribe page", "Back to {shop}"),
    "track": NP_("unsubscribe page", "Track an order"),
    "more": NP_("unsubscribe page", "More"),
}


def _lookup(token: str) -> tuple[Shop, Customer] | None:
    ids = wismo().links.read(UNSUBSCRIBE, token)
    if not ids or len(ids) != 2:
        return None
    shop_id, customer_id = ids
    with wismo().session() as s:
        customer = s.get(Customer, customer_id)
        shop = s.get(Shop, shop_id)
        if customer is None or shop is None or customer.shop_id != shop.id or not customer.email:
            return None
        return shop, customer


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> ResponseReturnValue:
    """GET asks (mail scanners follow links); POST, from the page or a mail client, stops."""
    found = _lookup(token)
    if found is None:
        return not_found()
    shop, customer = found
    locale = normalize_locale(customer.locale) or normalize_locale(settings_of(shop).locale) or "en"
    text = {k: v(locale, shop=shop.name, email=customer.email) for k, v in TEXT.items()}
    done = request.method == "POST"
    if done:
        with wismo().session() as s, s.begin():
            # only progress news stops: confirmations and problems still arrive, as promised
            record_opt_out(s, shop.id, OPTIONAL_EMAIL, customer.email or "", "unsubscribe link")
    b = brand(settings_of(shop).branding, shop)
    styles = brand_style(b)
    g.csp = csp(styles, b["logo_url"])
    return render_template(
        "unsubscribe.html",
        locale=locale,
        text=text,
        done=done,
        token=token,
        b=b,
        styles=styles,
        shop_key=shop.key,
    )
