"""Orders and the notification log: what a support agent opens to answer a shopper."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core import registry
from core.domain.rules import OPTIONAL_EMAIL
from core.domain.states import MessageState
from core.i18n import NP_, Marked
from core.rendering.locales import format_day_range
from core.services.delivery import retry_dead_letter
from core.services.order_record import NOTE_LIMIT, add_note, order_record
from core.services.pipeline import MAX_EVENT_ATTEMPTS
from core.services.problems import reports_of
from core.services.resend import base_key, resend
from core.storage.models import Customer, MessageEvent, Notification, Order, OrderEvent

from ..context import wismo
from .access import AGENT, current_shop, me, owned, staff_required
from .blueprint import bp
from .i18n import _, admin_locale

PAGE = 100
STATES = tuple(MessageState)

FOLLOW_WORDS: dict[str, Marked] = {
    "active": NP_("order", "Wismo follows this parcel at its carrier"),
    "unrecognised": NP_("order", "no connected carrier recognises this number"),
    "not_found": NP_("order", "the carrier does not know this number yet"),
    "ended": NP_("order", "followed to the end"),
}
PREF_WORDS: dict[str, Marked] = {
    "email": NP_("order", "Email"),
    OPTIONAL_EMAIL: NP_("order", "Progress emails"),
}
CAUSE_WORDS: dict[str, Marked] = {  # core.promise.CAUSES in words
    "computed": NP_("order", "from your delivery settings"),
    "learned": NP_("order", "from your own past deliveries"),
    "platform": NP_("order", "the store's own date"),
    "carrier": NP_("order", "the carrier's estimate"),
    "delay": NP_("order", "late: a new estimate"),
}
STOP_WORDS: dict[str, Marked] = {  # the reasons Wismo itself records; providers' are verbatim
    "tracking page": NP_("order", "switched off on the tracking page"),
    "unsubscribe link": NP_("order", "unsubscribe link in an email"),
}


def _words(table: dict[str, Marked]) -> dict[str, str]:
    return {code: marked(admin_locale()) for code, marked in table.items()}


def day_range(days: tuple[date, date]) -> str:
    """A date or a range of dates as the admin's language writes it: 'Dec 5 – 8, 2026'."""
    return format_day_range(days[0], days[1], admin_locale()) or ""


def search_orders(s: Session, shop_id: int, q: str, limit: int = PAGE) -> list[Order]:
    """Orders of this shop matching a number, an email or a phone (newest first)."""
    stmt = (
        select(Order)
        .outerjoin(Customer, Customer.id == Order.customer_id)
        .where(Order.shop_id == shop_id)
        .order_by(Order.updated_at.desc(), Order.id.desc())
        .limit(limit)
    )
    q = q.strip()
    if q:
        number = q.lstrip("#")
        digits = re.sub(r"\D", "", q)
        terms = [
            Order.number == q,
            Order.number == number,
            Order.number == f"#{number}",
            Order.external_id == number,
        ]
        if "@" in q:
            terms.append(Customer.email.ilike(q))
        if len(digits) >= 6:
            compact: Any = Customer.phone
            for ch in " -().":  # stored as the platform sent it: +380 67 123-45-67
                compact = func.replace(compact, ch, "")
            terms.append(compact.like(f"%{digits[-9:]}"))
        stmt = stmt.where(or_(*terms))
    return list(s.scalars(stmt).unique())


@bp.route("/orders")
@staff_required(AGENT)
def orders() -> ResponseReturnValue:
    q = request.args.get("q", "")
    with wismo().session() as s:
        found = search_orders(s, me().shop_id, q)
        if q and len(found) == 1:
            return redirect(url_for("admin.order", order_id=found[0].id))
        return render_template("admin/orders.html", orders=found, q=q)


@bp.route("/orders/<int:order_id>")
@staff_required(AGENT)
def order(order_id: int) -> ResponseReturnValue:
    """The order whole: timeline, parcels and scans, the estimated date and its moves, every
    message, the shopper's channels, rating and problem reports, and the staff's notes."""
    with wismo().session() as s:
        o = owned(s, Order, order_id)
        events = s.scalars(
            select(OrderEvent)
            .where(OrderEvent.shop_id == o.shop_id, OrderEvent.order_id == o.id)
            .order_by(OrderEvent.occurred_at, OrderEvent.id)
        ).all()
        notes = s.scalars(
            select(Notification)
            .where(Notification.shop_id == o.shop_id, Notification.order_id == o.id)
            .order_by(Notification.created_at, Notification.id)
        ).all()
        shop = current_shop(s)
        return render_template(
            "admin/order.html",
            order=o,
            events=events,
            notes=notes,
            record=order_record(s, shop, o, events),
            reports=reports_of(s, o.shop_id, o.id),
            base_key=base_key,
            note_limit=NOTE_LIMIT,
            follow_words=_words(FOLLOW_WORDS),
            pref_words=_words(PREF_WORDS),
            stop_words=_words(STOP_WORDS),
            cause_words=_words(CAUSE_WORDS),
            day_range=day_range,
        )


@bp.route("/orders/<int:order_id>/notes", methods=["POST"])
@staff_required(AGENT)
def order_note(order_id: int) -> ResponseReturnValue:
    """Keep a staff note on the order (what was promised to the shopper, what was done)."""
    with wismo().session() as s, s.begin():
        o = owned(s, Order, order_id)
        try:
            add_note(s, o, me().email, request.form.get("body", ""))
        except ValueError:
            flash(
                _("Write the note first (at most %(limit)s characters).", limit=NOTE_LIMIT),
                "error",
            )
        else:
            flash(_("Note saved."))
    return redirect(url_for("admin.order", order_id=order_id, _anchor="notes"))


@bp.route("/log")
@staff_required(AGENT)
def log() -> ResponseReturnValue:
    """Every message, newest first, filtered by state and channel."""
    state = request.args.get("state") or ""
    channel = request.args.get("channel") or ""
    with wismo().session() as s:
        stmt = select(Notification).where(Notification.shop_id == me().shop_id)
        if state in STATES:
            stmt = stmt.where(Notification.state == state)
        if channel:
            stmt = stmt.where(Notification.channel == channel)
        notes = s.scalars(
            stmt.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(PAGE)
        ).all()
        return render_template(
            "admin/log.html",
            notes=notes,
            state=state,
            channel=channel,
            states=STATES,
            channels=list(registry.kinds()),
        )


@bp.route("/log/dead")
@staff_required(AGENT)
def dead_letters() -> ResponseReturnValue:
    return redirect(url_for("admin.log", state=MessageState.DEAD))


@bp.route("/events/problems")
@staff_required(AGENT)
def event_problems() -> ResponseReturnValue:
    """Events refused at intake or dead-lettered after failing: why no order or message came."""
    with wismo().session() as s:
        events = s.scalars(
            select(OrderEvent)
            .where(
                OrderEvent.shop_id == me().shop_id,
                OrderEvent.outcome.in_(("rejected", "dead")),
            )
            .order_by(OrderEvent.received_at.desc(), OrderEvent.id.desc())
            .limit(PAGE)
        ).all()
        return render_template(
            "admin/event_problems.html", events=events, max_attempts=MAX_EVENT_ATTEMPTS
        )


@bp.route("/log/<int:notification_id>")
@staff_required(AGENT)
def message(notification_id: int) -> ResponseReturnValue:
    """One message as sent: content, provider, times, and what happened to it afterwards."""
    with wismo().session() as s:
        note = owned(s, Notification, notification_id)
        events = s.scalars(
            select(MessageEvent)
            .where(MessageEvent.shop_id == note.shop_id, MessageEvent.notification_id == note.id)
            .order_by(MessageEvent.created_at, MessageEvent.id)
        ).all()
        return render_template("admin/message.html", note=note, events=events)


@bp.route("/log/<int:notification_id>/resend", methods=["POST"])
@staff_required(AGENT)
def resend_message(notification_id: int) -> ResponseReturnValue:
    """Send the same content again, as a new message in the log."""
    c = wismo()
    with c.session() as s, s.begin():
        owned(s, Notification, notification_id)
        new_id = resend(s, me().shop_id, notification_id, me().email)
    if new_id is None:
        flash(_("That message has no content to resend yet."), "error")
        return redirect(url_for("admin.message", notification_id=notification_id))
    c.queue.enqueue("deliver", new_id)
    flash(_("Resent: the new message is in the log."))
    return redirect(url_for("admin.message", notification_id=new_id))


@bp.route("/log/<int:notification_id>/retry", methods=["POST"])
@staff_required(AGENT)
def retry_message(notification_id: int) -> ResponseReturnValue:
    """Give a dead letter another go (after fixing what its reason says)."""
    c = wismo()
    with c.session() as s:
        owned(s, Notification, notification_id)
    with c.session() as s:
        if not retry_dead_letter(s, me().shop_id, notification_id):
            abort(409)
    c.queue.enqueue("deliver", notification_id)
    flash(_("Queued again."))
    return redirect(url_for("admin.message", notification_id=notification_id))
