"""Resending one message: a new notification carrying the same content, sent afresh.

The copy's shipment_key is the original's plus "~resendN", which keeps the
one-message-per-(order, status, parcel, channel) constraint intact for the originals
and marks the copy, so delivery sends its stored content instead of re-rendering.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.states import MessageState
from core.storage.clock import utcnow
from core.storage.models import MessageEvent, Notification

MARK = "~resend"


def is_resend(note: Notification) -> bool:
    return MARK in (note.shipment_key or "")


def base_key(shipment_key: str | None) -> str:
    """The parcel key of the message a resend copies."""
    return (shipment_key or "").split(MARK, 1)[0]


def resend(session: Session, shop_id: int, notification_id: int, by: str | None) -> int | None:
    """Queue a copy of a message that has content; its id, or None if not this shop's."""
    original = session.get(Notification, notification_id)
    if original is None or original.shop_id != shop_id or original.body_text is None:
        return None
    key = base_key(original.shipment_key)
    earlier = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.shop_id == shop_id,
            Notification.order_id == original.order_id,
            Notification.status == original.status,
            Notification.channel == original.channel,
            Notification.shipment_key.like(f"{key}{MARK}%"),
        )
    )
    now = utcnow()
    copy = Notification(
        shop_id=shop_id,
        order_id=original.order_id,
        status=original.status,
        shipment_key=f"{key}{MARK}{(earlier or 0) + 1}",
        channel=original.channel,
        state=MessageState.PENDING,
        recipient=original.recipient,
        locale=original.locale,
        subject=original.subject,
        body_text=original.body_text,
        body_html=original.body_html,
        event_facts=original.event_facts,
        attempts=0,
        not_before=now,
        created_at=now,
        updated_at=now,
    )
    session.add(copy)
    session.flush()
    session.add(
        MessageEvent(
            shop_id=shop_id,
            notification_id=copy.id,
            kind="resend",
            detail={"of": original.id, "by": by},
            created_at=now,
        )
    )
    return copy.id
