"""`GET /t/<code>`: the short link in SMS and messengers, redirecting to the signed page.

An unknown code gets the lookup form (404) with a line saying the link does not work,
so the shopper can still find the order by its number. Visits are rate-limited per IP
(webapp/limits.py), so codes cannot be guessed at speed.
"""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded

from core.services.shortlinks import resolve
from core.services.tracking_links import tracking_token

from .context import wismo
from .limits import check_short_link
from .shopper_text import Words
from .tracking import _lookup_page, load_order, lookup_locale

bp = Blueprint("short_links", __name__)


@bp.get("/t/<code>")
def short_link(code: str) -> ResponseReturnValue:
    """Open the order's tracking page, or the lookup form when the code is unknown."""
    try:
        check_short_link()
    except RateLimitExceeded:
        return _lookup_page(None, 429, Words(lookup_locale(None))("too_many"))
    with wismo().session() as s:
        ids = resolve(s, code)
        found = load_order(s, *ids) if ids else None
        if found is None:
            return _lookup_page(None, 404, Words(lookup_locale(None))("link_unknown"))
        shop, order = found
        token = tracking_token(wismo().links, order)
    response = redirect(url_for("tracking.track", token=token), code=302)
    response.headers["Cache-Control"] = "private, no-store"  # the target names one order
    return response
