"""The tracking page's forms: notification preferences, feedback, report a problem.

The signed token in the URL is the shopper's proof of access (as for the page itself).
Each form posts back, acts, and redirects to the page (`?done=...`), so reloading the
page never sends a form twice; everything works without JavaScript.
"""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded

from core.services.problems import report_problem
from core.services.shopper import (
    can_rate,
    is_closed,
    preferences,
    save_feedback,
    set_preferences,
)

from .context import wismo
from .limits import check_problem_report
from .shopper_text import Words
from .tracking import (
    order_from_token,
    page_locale,
    render_tracking,
    shown_preferences,
    tracking_not_found,
)

bp = Blueprint("track_forms", __name__)
log = logging.getLogger(__name__)


def _back(token: str, done: str, anchor: str) -> ResponseReturnValue:
    return redirect(url_for("tracking.track", token=token, done=done) + "#" + anchor, code=303)


@bp.post("/track/<token>/preferences")
def save_preferences(token: str) -> ResponseReturnValue:
    """Switch channels on or off: an unticked channel is an opt-out the pipeline honours."""
    with wismo().session() as s:
        found = order_from_token(s, token)
        if found is None or found[1].customer is None:
            return tracking_not_found()
        shop, order = found
        wanted = set(request.form.getlist("channel"))
        shown = shown_preferences(preferences(s, shop, order.customer), is_closed(order))
        going_off = [p.channel for p in shown if p.on and p.channel not in wanted]
        if going_off and request.form.get("confirm") != "1":
            # a forwarded link must not silently stop the shopper's messages: ask first
            return render_tracking(s, shop, order, token, confirm_off=going_off)
        set_preferences(s, shop, order.customer, wanted)  # type: ignore[arg-type]
        s.commit()
    return _back(token, "preferences", "preferences")


@bp.post("/track/<token>/feedback")
def feedback(token: str) -> ResponseReturnValue:
    """Keep the shopper's 1-5 stars and comment, once the order has arrived."""
    with wismo().session() as s:
        found = order_from_token(s, token)
        if found is None:
            return tracking_not_found()
        shop, order = found
        rating = request.form.get("rating", type=int)
        if not can_rate(order) or rating is None or not 1 <= rating <= 5:
            words = Words(page_locale(shop, order))
            return render_tracking(s, shop, order, token, error=words("feedback_invalid"))
        save_feedback(s, order, rating, request.form.get("comment"))
        s.commit()
    return _back(token, "feedback", "feedback")


@bp.post("/track/<token>/problem")
def problem(token: str) -> ResponseReturnValue:
    """Store the shopper's report at once; the `forward_problem` job takes it to the merchant."""
    c = wismo()
    with c.session() as s:
        found = order_from_token(s, token)
        if found is None:
            return tracking_not_found()
        shop, order = found
        message = request.form.get("message", "").strip()
        locale = page_locale(shop, order)
        if len(message) < 3:
            words = Words(locale)
            return render_tracking(s, shop, order, token, error=words("problem_invalid"))
        try:
            check_problem_report(order.id)
        except RateLimitExceeded:
            limited = render_tracking(s, shop, order, token, error=Words(locale)("problem_limited"))
            limited.status_code = 429
            return limited
        report = report_problem(s, order, request.form.get("kind", "other"), message, locale)
        s.commit()
        report_id = report.id
    try:
        c.queue.enqueue("forward_problem", report_id)
    except Exception:  # stored and in the merchant's inbox; the relay forwards it later
        log.exception("could not enqueue problem report %s", report_id)
    return _back(token, "problem", "problem")
