"""What providers report back: delivery receipts, inbound replies, STOP keywords.

Receipts move `Notification.delivery` forward only (queued -> sent -> delivered /
undelivered / failed; a late "sent" never undoes "delivered") and log a MessageEvent
each. An inbound STOP (or the other standard keywords) records an opt-out for that
address and channel at once; START / UNSTOP lifts it, as carriers do.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.storage.models import MessageEvent, Notification, OptOut

from . import optin
from .contacts import opt_in_channels, record_opt_out
from .optin import mark_unreachable

RANK = {"queued": 0, "sent": 1, "delivered": 2, "undelivered": 2, "failed": 2}
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "СТОП", "/STOP"})
START_WORDS = frozenset({"START", "UNSTOP", "СТАРТ"})


def record_receipt(
    session: Session,
    shop_id: int,
    provider: str,
    provider_message_id: str,
    delivery: str,
    detail: Mapping[str, Any],
    now: datetime,
) -> Notification | None:
    """Apply one status report to the message it is about; None if no such message here."""
    if delivery not in RANK or not provider_message_id:
        return None
    note = session.scalar(
        select(Notification).where(
            Notification.shop_id == shop_id,
            Notification.provider == provider,
            Notification.provider_message_id == provider_message_id,
        )
    )
    if note is None:
        return None
    session.add(
        MessageEvent(
            shop_id=shop_id,
            notification_id=note.id,
            kind=delivery,
            provider=provider,
            detail=dict(detail),
            created_at=now,
        )
    )
    if note.delivery is None or RANK[delivery] > RANK.get(note.delivery, -1):
        note.delivery = delivery
        if delivery == "delivered":
            note.delivered_at = now
    return note


def is_stop(text: str | None) -> bool:
    """Whether an inbound text is an opt-out keyword (the whole message, any case)."""
    return (text or "").strip().rstrip(".!").upper() in STOP_WORDS


def record_inbound(
    session: Session,
    shop_id: int,
    channel: str,
    address: str,
    text: str | None,
    provider: str,
    now: datetime,
) -> str:
    """Handle a shopper's message to the shop: "opt_out", "opt_in" or "inbound"."""
    word = (text or "").strip().rstrip(".!").upper()
    latest = _latest_to(session, shop_id, channel, address)
    if word in STOP_WORDS:
        opt_out(session, shop_id, channel, address, f"{provider}: {word}", provider, now)
        return "opt_out"
    if word in START_WORDS:
        session.execute(
            delete(OptOut).where(
                OptOut.shop_id == shop_id, OptOut.channel == channel, OptOut.address == address
            )
        )
        return "opt_in"
    if latest is not None:  # opens WhatsApp's 24-hour window for free text
        session.add(
            MessageEvent(
                shop_id=shop_id,
                notification_id=latest.id,
                kind="inbound",
                provider=provider,
                detail={"text": (text or "")[:500]},
                created_at=now,
            )
        )
    return "inbound"


def opt_out(
    session: Session,
    shop_id: int,
    channel: str,
    address: str,
    reason: str,
    provider: str,
    now: datetime,
) -> None:
    """Record that `address` wants nothing more on `channel`, and log it on its last message."""
    record_opt_out(session, shop_id, channel, address, reason[:200])
    if channel in opt_in_channels():
        mark_unreachable(session, shop_id, channel, address, now)
    latest = _latest_to(session, shop_id, channel, address)
    if latest is not None:
        session.add(
            MessageEvent(
                shop_id=shop_id,
                notification_id=latest.id,
                kind="opt_out",
                provider=provider,
                detail={"reason": reason[:200], "address": address},
                created_at=now,
            )
        )


def _latest_to(session: Session, shop_id: int, channel: str, address: str) -> Notification | None:
    return session.scalar(
        select(Notification)
        .where(
            Notification.shop_id == shop_id,
            Notification.channel == channel,
            Notification.recipient == address,
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )


class _CallbackServices:
    """`core.capabilities.CallbackServices` over these services and the opt-in service."""

    record_receipt = staticmethod(record_receipt)
    record_inbound = staticmethod(record_inbound)
    opt_out = staticmethod(opt_out)
    redeem_opt_in = staticmethod(optin.redeem)
    mark_reachable = staticmethod(optin.mark_reachable)


CALLBACK_SERVICES = _CallbackServices()
"""What the web app hands every channel's provider callback (`ProviderCall.services`)."""
