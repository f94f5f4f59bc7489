"""The landing page, the demo dashboard and the dev outbox (`wismo demo` only), and the one
404 page the shopper-facing pages share.

Views stay thin: they load rows (always scoped by shop), turn them into plain view models
(webapp/dashboard.py, core/services/tracking_view.py) and render a template from
webapp/templates/. Security headers are set for every response by the app factory
(webapp/headers.py); a view changes its page's policy through `g.csp`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from core.domain.sms import count_segments
from core.rendering import normalize_locale
from core.rendering.display import safe_url
from core.services.page_words import chrome
from core.storage.models import OutboxMessage, Shop

from .context import wismo
from .dashboard import LOCALE_NAMES, dashboard, message_row
from .filters import clock, linkify
from .headers import BASE_CSP

bp = Blueprint("pages", __name__)

OUTBOX_PAGE = 100
MESSENGERS = frozenset({"telegram", "whatsapp", "viber", "messenger"})


def demo_mode() -> bool:
    """Whether the app runs as `wismo demo` (shows every shop's data: never in production)."""
    return current_app.config.get("WISMO_DEMO") is True


def not_found(locale: str = "en") -> tuple[str, int]:
    """The one 404 page: same look as the others, no details."""
    return render_template("not_found.html", locale=locale, t=chrome(locale)), 404


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"clock": clock, "linkify": linkify}


@bp.get("/")
def index() -> ResponseReturnValue:
    """The demo dashboard in demo mode; a short landing page otherwise."""
    if not demo_mode():
        docs = current_app.config.get("WISMO_DOCS_URL")
        return render_template("landing.html", docs_url=safe_url(docs))
    g.csp = BASE_CSP + "; script-src 'self'"
    with wismo().session() as s:
        context = dashboard(s)
    live = request.args.get("live") != "0"
    if request.args.get("partial") == "1":
        return render_template("demo/_board.html", **context)
    return render_template("demo/index.html", live=live, **context)


@bp.get("/dev/outbox")
def outbox() -> ResponseReturnValue:
    """Every message the dev outbox kept, newest first, filtered by kind and locale."""
    if not demo_mode():
        return not_found()
    kind = request.args.get("kind") or None
    locale = normalize_locale(request.args.get("locale"))
    before = request.args.get("before", type=int)
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(OUTBOX_PAGE + 1)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if locale:
        query = query.where(OutboxMessage.meta["locale"].as_string() == locale)
    if before:
        query = query.where(OutboxMessage.id < before)
    with wismo().session() as s:
        rows = list(s.scalars(query))
        kinds = sorted(s.scalars(select(OutboxMessage.kind).distinct()))
    more = len(rows) > OUTBOX_PAGE
    rows = rows[:OUTBOX_PAGE]
    return render_template(
        "demo/outbox.html",
        messages=[message_row(m) for m in rows],
        kinds=kinds,
        kind=kind,
        locale=locale,
        locales=LOCALE_NAMES,
        older=rows[-1].id if more else None,
    )


@bp.get("/dev/outbox/<int:message_id>")
def outbox_message(message_id: int) -> ResponseReturnValue:
    """One message as the shopper would see it: email in a sandboxed frame, SMS, chat."""
    if not demo_mode():
        return not_found()
    with wismo().session() as s:
        m = s.get(OutboxMessage, message_id)
        shop = s.get(Shop, m.shop_id) if m else None
        if m is None:
            return not_found()
        row = message_row(m)
    meta = dict(m.meta or {})
    sms = None
    if m.kind == "sms":
        info = count_segments(m.text)
        stored = meta.get("sms") or {}
        sms = {
            "encoding": stored.get("encoding", info.encoding),
            "characters": stored.get("characters", info.characters),
            "segments": stored.get("segments", info.segments),
            "per_segment": info.per_segment,
        }
    # The email's own HTML only ever reaches the page as an escaped srcdoc attribute of a
    # sandboxed frame (no scripts, no same-origin); a srcdoc frame inherits this page's
    # CSP, so inline styles and remote images are allowed here and on no other page.
    g.csp = (
        "default-src 'self'; img-src 'self' data: https: http:; "
        "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    srcdoc = '<base target="_blank">' + m.html if m.html else None
    headers = {k: v for k, v in meta.items() if k not in ("sms", "shop") and v not in (None, "")}
    return render_template(
        "demo/message.html",
        m=row,
        text=m.text,
        html=m.html,
        srcdoc=srcdoc,
        sms=sms,
        headers=headers,
        shop=shop.name if shop else "",
        messenger=m.kind in MESSENGERS,
        tracking=safe_url(meta.get("tracking_link")),
        width="mobile" if request.args.get("width") == "mobile" else "desktop",
    )
