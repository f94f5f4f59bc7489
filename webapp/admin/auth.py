"""Signing in and out: email + password, or a single-use link sent by email."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded

from core.i18n import LOCALES
from core.services.staff import (
    INVITE,
    MAGIC,
    authenticate,
    mark_signed_in,
    redeem_token,
    staff_by_email,
    token_owner,
)

from ..context import wismo
from ..limits import check_sign_in_link
from .access import end_sessions, principal
from .access import sign_in as start_session
from .blueprint import bp
from .i18n import _, admin_locale
from .throttle import SignInThrottle

log = logging.getLogger(__name__)


def _next_url() -> str:
    target = request.values.get("next") or ""
    # only a path inside the admin: never an open redirect to another site
    # and no CR, LF or other control character, which would break the Location header
    if (
        target.startswith("/admin")
        and not target.startswith("//")
        and target.isprintable()
        and "\\" not in target
    ):
        return target
    return url_for("admin.home")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    """The sign-in form; a wrong email or password gets one message, whichever it was."""
    if request.method == "GET" and principal() is not None:
        return redirect(_next_url())
    error, status = None, 200
    if request.method == "POST":
        email = request.form.get("email", "").strip().lower()
        throttle = SignInThrottle()
        if throttle.blocked(email):
            error, status = _("Too many failed attempts: wait 15 minutes or ask for a link."), 429
        else:
            with wismo().session() as s, s.begin():
                staff = authenticate(s, email, request.form.get("password", ""))
                if staff is not None:
                    mark_signed_in(staff)
                    s.flush()
                    start_session(staff)
            if staff is not None:
                throttle.succeeded(email)
                return redirect(_next_url())
            throttle.failed(email)
            error, status = _("That email and password do not match an account."), 401
    return render_template(
        "admin/sign_in.html", error=error, next=request.values.get("next", "")
    ), status


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> ResponseReturnValue:
    """End the session server-side too: a copied cookie stops working (docs/security.md)."""
    who = principal()
    if who is not None and who.via == "session" and who.staff_id is not None:
        end_sessions(who.staff_id)
    language = admin_locale()
    session.clear()
    session["admin_locale"] = language  # the sign-in page stays in the staff member's language
    return redirect(url_for("admin.sign_in"))


@bp.route("/sign-in/link", methods=["POST"])
def request_link() -> ResponseReturnValue:
    """Email a sign-in link; the same answer, the same work and time for any address.

    The request looks the address up and queues one job either way (the staff id, or 0,
    and this browser's language); the job builds and sends the link
    (core/services/sign_in_links.py).
    """
    email = request.form.get("email", "")
    try:
        check_sign_in_link(email)
    except RateLimitExceeded:
        error = _("Too many sign-in links asked for: wait 15 minutes, then try again.")
        return render_template("admin/sign_in.html", error=error, next=""), 429
    c = wismo()
    with c.session() as s:
        found = [staff.id for staff in staff_by_email(s, email)[:1]]
    language = LOCALES.index(admin_locale()) if admin_locale() in LOCALES else 0
    try:
        c.queue.enqueue("sign_in_link", found[0] if found else 0, language)
    except Exception:  # Redis down: the same answer either way; asking again works later
        log.warning("sign-in link request not queued", exc_info=True)
    flash(_("If that address has an account, a sign-in link is on its way."))
    return redirect(url_for("admin.sign_in"))


@bp.route("/sign-in/link/<token>", methods=["GET", "POST"])
def redeem_link(token: str) -> ResponseReturnValue:
    """GET shows a button (mail scanners follow links); POST spends the link and signs in."""
    purpose = INVITE if request.args.get("p") == "invite" else MAGIC
    if request.method == "GET":
        with wismo().session() as s:
            valid = token_owner(s, wismo().links, token, purpose) is not None
        if not valid:
            return render_template("admin/redeem.html", token=None), 404
        return render_template("admin/redeem.html", token=token, purpose=request.args.get("p"))
    with wismo().session() as s, s.begin():
        staff = redeem_token(s, wismo().links, token, purpose)
        if staff is None:
            return render_template("admin/redeem.html", token=None, expired=True), 404
        s.flush()
        start_session(staff)
    if purpose != MAGIC:
        flash(_("Welcome! Set a password in Account → Team so you can sign in again."))
    return redirect(url_for("admin.home"))
