"""One order, whole, for the staff who answer a shopper about it.

The admin's order page shows, besides the timeline and the messages: the shopper's channels
(on or off, and each "stop" they said, when and how), their rating and comment, each parcel
with the carrier's scans, the estimated date and every time it moved and why, and the
staff's own notes. Everything here is read for one shop's order; nothing crosses shops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.storage.models import (
    CarrierScan,
    ContactChannel,
    Feedback,
    FollowedParcel,
    OptOut,
    Order,
    OrderEvent,
    OrderNote,
    PromiseChange,
    Shipment,
    Shop,
)

from .contacts import opt_outs_of
from .promises import history
from .scans import parcel_scans
from .shopper import Preference, feedback_of, preferences
from .summary import expected_date

FRESH = ("applied", "overlay", "unchanged")
"""Outcomes of events whose facts (the estimated date among them) were taken."""

NOTE_LIMIT = 2000
"""The longest staff note, in characters."""


@dataclass(frozen=True)
class ParcelRecord:
    """A parcel, how Wismo follows it at its carrier, and the carrier's scans (newest first)."""

    shipment: Shipment
    followed: FollowedParcel | None
    scans: Sequence[CarrierScan]


@dataclass(frozen=True)
class DateMove:
    """The estimated delivery date changed: from what, to what, when, and why."""

    at: Any  # when it changed
    before: tuple[date, date] | None  # the range before (a single day: twice the same)
    after: tuple[date, date]
    cause: str | None  # core.promise.CAUSES, for a recorded promise
    status: str | None  # the event's status (delayed, shipped …) that carried a date
    source: str | None
    reason: str | None


@dataclass(frozen=True)
class OrderRecord:
    """Everything about one order a support agent may be asked."""

    expected: date | None
    date_moves: Sequence[DateMove]
    feedback: Feedback | None
    preferences: Sequence[Preference]
    opt_outs: Sequence[OptOut]
    messengers: Sequence[ContactChannel]
    parcels: Sequence[ParcelRecord]
    notes: Sequence[OrderNote]


def _event_date(payload: dict[str, Any]) -> date | None:
    """The estimated date an event carried: its order's, or its parcel's."""
    raw = payload.get("estimated_delivery") or (payload.get("shipment") or {}).get(
        "estimated_delivery"
    )
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def date_moves(events: Sequence[OrderEvent]) -> list[DateMove]:
    """Each time the applied events (oldest first) set or moved the estimated date: the
    history of an order from before Wismo recorded its promises."""
    moves: list[DateMove] = []
    current: date | None = None
    for e in events:
        if e.outcome not in FRESH:
            continue
        new = _event_date(e.payload or {})
        if new is None or new == current:
            continue
        moves.append(
            DateMove(
                at=e.occurred_at,
                before=(current, current) if current else None,
                after=(new, new),
                cause=None,
                status=e.status,
                source=e.source,
                reason=(e.payload or {}).get("reason") or None,
            )
        )
        current = new
    return moves


def promise_moves(changes: Sequence[PromiseChange]) -> list[DateMove]:
    """The recorded promises (oldest first), each with the reason recorded with it."""
    moves: list[DateMove] = []
    before: tuple[date, date] | None = None
    for c in changes:
        reason = (c.detail or {}).get("reason") or None
        after = (c.earliest, c.latest)
        moves.append(DateMove(c.created_at, before, after, c.cause, None, None, reason))
        before = after
    return moves


def _parcels(session: Session, order: Order) -> list[ParcelRecord]:
    scans = parcel_scans(session, order)
    ids = [p.id for p in order.shipments]
    followed = (
        {
            f.shipment_id: f
            for f in session.scalars(
                select(FollowedParcel).where(
                    FollowedParcel.shop_id == order.shop_id, FollowedParcel.shipment_id.in_(ids)
                )
            )
        }
        if ids
        else {}
    )
    return [ParcelRecord(p, followed.get(p.id), scans.get(p.id, [])) for p in order.shipments]


def notes_of(session: Session, order: Order) -> list[OrderNote]:
    """The staff's notes on this order, oldest first."""
    return list(
        session.scalars(
            select(OrderNote)
            .where(OrderNote.shop_id == order.shop_id, OrderNote.order_id == order.id)
            .order_by(OrderNote.created_at, OrderNote.id)
        )
    )


def order_record(
    session: Session, shop: Shop, order: Order, events: Sequence[OrderEvent]
) -> OrderRecord:
    """The order whole: `events` are its events, oldest first, as the timeline shows them."""
    customer = order.customer
    changes = [c for c in history(session, shop.id, order.id) if c.shipment_external_id is None]
    messengers = (
        list(
            session.scalars(
                select(ContactChannel)
                .where(ContactChannel.shop_id == shop.id, ContactChannel.customer_id == customer.id)
                .order_by(ContactChannel.created_at)
            )
        )
        if customer
        else []
    )
    return OrderRecord(
        expected=expected_date(order),
        date_moves=promise_moves(changes) if changes else date_moves(events),
        feedback=feedback_of(session, order),
        preferences=preferences(session, shop, customer),
        opt_outs=opt_outs_of(session, shop.id, customer),
        messengers=messengers,
        parcels=_parcels(session, order),
        notes=notes_of(session, order),
    )


def add_note(session: Session, order: Order, author: str, body: str) -> OrderNote:
    """Keep a staff note on the order; an empty or over-long note is refused."""
    text = body.strip()
    if not text:
        raise ValueError("empty note")
    if len(text) > NOTE_LIMIT:
        raise ValueError(f"a note holds at most {NOTE_LIMIT} characters")
    note = OrderNote(shop_id=order.shop_id, order_id=order.id, author=author, body=text)
    session.add(note)
    session.flush()
    return note
