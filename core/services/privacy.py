"""Privacy requests, platform-neutral: export a shopper's data, erase it, purge a shop.

Shopify's mandatory compliance webhooks call these, and any other platform (or the
merchant admin) can too. Erasure keeps the rows, so the merchant's counts stay right,
but leaves nothing in them that identifies the shopper: no name, email or phone in any
column, JSON payload or message body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from core.domain.states import DUE, MessageState
from core.storage.models import (
    Base,
    ContactChannel,
    Customer,
    DataExport,
    Feedback,
    MessageEvent,
    Notification,
    OptInToken,
    OptOut,
    Order,
    OrderEvent,
    OutboxMessage,
    ProblemReport,
    Shop,
)

from .contacts import normalize_email

REDACTED = "[redacted]"


@dataclass(frozen=True)
class Subject:
    """Whom a privacy request is about: any of their identifiers, and orders named in it."""

    email: str | None = None
    phone: str | None = None
    external_id: str | None = None
    order_ids: tuple[str, ...] = field(default_factory=tuple)  # the platform's order ids


@dataclass
class Found:
    customers: list[Customer]
    orders: list[Order]

    @property
    def needles(self) -> set[str]:
        """Every identifying string to scrub from free text and payloads."""
        out: set[str] = set()
        for c in self.customers:
            for value in (c.email, c.phone, c.phone_e164, c.name, *(c.name or "").split()):
                if value and len(value.strip()) >= 2:
                    out.add(value.strip())
        for o in self.orders:
            for value in (o.customer_name, *(o.customer_name or "").split()):
                if value and len(value.strip()) >= 2:
                    out.add(value.strip())
        return out


def find(session: Session, shop_id: int, subject: Subject) -> Found:
    """The shop's customers and orders the request is about."""
    match = []
    if email := normalize_email(subject.email):
        match.append(Customer.email == email)
    if subject.phone:
        match.append(Customer.phone == subject.phone.strip())
    if subject.external_id:
        match.append(Customer.external_id == str(subject.external_id))
    customers = (
        list(session.scalars(select(Customer).where(Customer.shop_id == shop_id, or_(*match))))
        if match
        else []
    )
    order_match = [Order.external_id.in_([str(i) for i in subject.order_ids])]
    if customers:
        order_match.append(Order.customer_id.in_([c.id for c in customers]))
    orders = list(session.scalars(select(Order).where(Order.shop_id == shop_id, or_(*order_match))))
    known = {c.id for c in customers}
    customers += [o.customer for o in orders if o.customer and o.customer.id not in known]
    return Found(list({c.id: c for c in customers}.values()), orders)


def export_customer(
    session: Session, shop_id: int, subject: Subject, request_ref: str | None = None
) -> DataExport:
    """Gather everything held on the shopper into a DataExport row for the merchant."""
    found = find(session, shop_id, subject)
    order_ids = [o.id for o in found.orders]
    notes = _notifications(session, shop_id, order_ids)
    payload = {
        "customers": [
            _row(c, "name", "email", "phone", "locale", "timezone") for c in found.customers
        ],
        "orders": [
            {
                **_row(
                    o,
                    "number",
                    "customer_name",
                    "status",
                    "placed_at",
                    "total",
                    "currency",
                    "items",
                    "locale",
                ),
                "shipments": [
                    _row(s, "carrier", "tracking_number", "tracking_url", "status")
                    for s in o.shipments
                ],
            }
            for o in found.orders
        ],
        "events": [
            _row(e, "status", "occurred_at", "payload")
            for e in _events(session, shop_id, found.orders)
        ],
        "messages": [
            _row(n, "channel", "status", "state", "recipient", "subject", "body_text", "sent_at")
            for n in notes
        ],
        "opt_outs": [
            _row(o, "channel", "address", "created_at")
            for o in session.scalars(
                select(OptOut).where(
                    OptOut.shop_id == shop_id, OptOut.address.in_(_addresses(found))
                )
            )
        ],
        "feedback": [
            _row(f, "rating", "comment", "created_at")
            for f in session.scalars(
                select(Feedback).where(
                    Feedback.shop_id == shop_id, Feedback.order_id.in_(order_ids)
                )
            )
        ],
        "problem_reports": [
            _row(p, "kind", "message", "created_at")
            for p in session.scalars(
                select(ProblemReport).where(
                    ProblemReport.shop_id == shop_id, ProblemReport.order_id.in_(order_ids)
                )
            )
        ],
    }
    who = subject.email or subject.phone or subject.external_id or "unknown"
    row = DataExport(shop_id=shop_id, subject=who, request_ref=request_ref, payload=payload)
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Redacted:
    """How many rows were anonymised (kept, for the counts) or removed."""

    customers: int
    orders: int
    events: int
    messages: int


def redact_customer(session: Session, shop_id: int, subject: Subject) -> Redacted:
    """Erase the shopper's personal data everywhere in the shop; keep anonymous counts."""
    found = find(session, shop_id, subject)
    needles = found.needles | {x for x in (subject.email, subject.phone) if x}
    order_ids = [o.id for o in found.orders]
    customer_ids = [c.id for c in found.customers]
    events = _events(session, shop_id, found.orders)
    for e in events:
        e.payload = _scrub(e.payload, needles)
    notes = _notifications(session, shop_id, order_ids)
    note_ids = [n.id for n in notes]
    for n in notes:
        n.recipient = n.subject = n.body_text = n.body_html = None
        n.last_error = None
        n.event_facts = _scrub(n.event_facts, needles)  # the event's reason, copied at planning
        if n.state in DUE:
            n.state = MessageState.SKIPPED
    for m in session.scalars(
        select(MessageEvent).where(MessageEvent.notification_id.in_(note_ids))
    ):
        m.detail = _scrub(m.detail, needles)
    for box in session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.shop_id == shop_id,
            or_(
                OutboxMessage.notification_id.in_(note_ids),
                OutboxMessage.recipient.in_(needles),
            ),
        )
    ):
        box.recipient, box.subject, box.text, box.html = REDACTED, None, REDACTED, None
        box.meta = _scrub(box.meta, needles)
    for opt in session.scalars(
        select(OptOut).where(OptOut.shop_id == shop_id, OptOut.address.in_(needles))
    ):
        opt.address = "redacted:" + hashlib.sha256(opt.address.encode()).hexdigest()[:24]
    session.execute(
        update(Feedback)
        .where(Feedback.shop_id == shop_id, Feedback.order_id.in_(order_ids))
        .values(comment=None)
    )
    session.execute(
        update(ProblemReport)
        .where(ProblemReport.shop_id == shop_id, ProblemReport.order_id.in_(order_ids))
        .values(message=REDACTED, forward_error=None)
    )
    for export in session.scalars(select(DataExport).where(DataExport.shop_id == shop_id)):
        if export.subject in needles or _mentions(export.payload, needles):
            export.subject, export.payload = REDACTED, {"redacted": True}
    for table in (ContactChannel, OptInToken):
        session.execute(
            delete(table).where(table.shop_id == shop_id, table.customer_id.in_(customer_ids))
        )
    for c in found.customers:
        c.name = c.email = c.phone = c.phone_e164 = c.external_id = None
    for o in found.orders:
        o.reason = _scrub(o.reason, needles)
        o.customer_name = None
    session.flush()
    return Redacted(len(found.customers), len(found.orders), len(events), len(notes))


def purge_shop(session: Session, shop_id: int) -> None:
    """Delete the shop and every row it owns (children first, whatever the backend)."""
    for table in reversed(Base.metadata.sorted_tables):
        if table.name != Shop.__tablename__ and "shop_id" in table.c:
            if table.name == Notification.__tablename__:
                session.execute(
                    update(Notification)
                    .where(Notification.shop_id == shop_id)
                    .values(fallback_of=None)
                )
            session.execute(delete(table).where(table.c.shop_id == shop_id))
    session.execute(delete(Shop).where(Shop.id == shop_id))
    session.flush()


# --- helpers ------------------------------------------------------------------------------


def _events(session: Session, shop_id: int, orders: Iterable[Order]) -> list[OrderEvent]:
    externals = [o.external_id for o in orders]
    return list(
        session.scalars(
            select(OrderEvent).where(
                OrderEvent.shop_id == shop_id, OrderEvent.order_external_id.in_(externals)
            )
        )
    )


def _notifications(session: Session, shop_id: int, order_ids: list[int]) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(
                Notification.shop_id == shop_id, Notification.order_id.in_(order_ids)
            )
        )
    )


def _addresses(found: Found) -> list[str]:
    return [a for c in found.customers for a in (c.email, c.phone, c.phone_e164) if a]


def _scrub(value: Any, needles: set[str]) -> Any:
    """A copy with the `customer` objects dropped and any string naming the shopper blanked."""
    if isinstance(value, dict):
        return {k: None if k == "customer" else _scrub(v, needles) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, needles) for v in value]
    if isinstance(value, str) and any(n.lower() in value.lower() for n in needles):
        return REDACTED
    return value


def _mentions(value: Any, needles: set[str]) -> bool:
    return _scrub(value, needles) != value


def _row(obj: Any, *names: str) -> dict[str, Any]:
    out = {}
    for name in names:
        value = getattr(obj, name)
        out[name] = value.isoformat() if isinstance(value, datetime | date) else value
    return out
