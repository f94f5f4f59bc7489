"""The demo dashboard's and the dev outbox's view models: every shop's newest orders with
their events and messages, and the outbox's list rows. Operator pages, shown only by
`wismo demo` (English, UTC)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.states import MessageState
from core.rendering import normalize_locale
from core.rendering.display import family, first_name, label
from core.rendering.locales import format_day
from core.services.contacts import name_on
from core.services.tracking_links import tracking_token
from core.services.tracking_view import parcel_summary
from core.shop_settings import settings_of
from core.storage.models import Notification, Order, OrderEvent, OutboxMessage, Shop

from .context import wismo

DEMO_ORDERS = 50
LOCALE_NAMES = {"en": "English", "ru": "Русский", "uk": "Українська"}


def dashboard(s: Session) -> dict[str, Any]:
    """Counts and the newest orders of every shop, each with its events and messages."""
    orders = list(s.scalars(select(Order).order_by(Order.id.desc()).limit(DEMO_ORDERS)))
    shops = {shop.id: shop for shop in s.scalars(select(Shop))}
    events: dict[int, list[OrderEvent]] = defaultdict(list)
    keys = {(o.shop_id, o.external_id): o.id for o in orders}
    if orders:
        rows = s.scalars(
            select(OrderEvent)
            .where(OrderEvent.order_external_id.in_([o.external_id for o in orders]))
            .order_by(OrderEvent.id)
        )
        for ev in rows:
            order_id = keys.get((ev.shop_id, ev.order_external_id))
            if order_id is not None:
                events[order_id].append(ev)
    notes: dict[int, list[Notification]] = defaultdict(list)
    for note in s.scalars(
        select(Notification)
        .where(Notification.order_id.in_(keys.values()))
        .order_by(Notification.id)
    ):
        notes[note.order_id].append(note)
    outbox = {
        note_id: box_id
        for note_id, box_id in s.execute(
            select(OutboxMessage.notification_id, func.max(OutboxMessage.id))
            .where(OutboxMessage.notification_id.in_([n.id for ns in notes.values() for n in ns]))
            .group_by(OutboxMessage.notification_id)
        )
    }
    counts = {
        "orders": s.scalar(select(func.count()).select_from(Order)) or 0,
        "events": s.scalar(select(func.count()).select_from(OrderEvent)) or 0,
        "sent": s.scalar(select(func.count()).where(Notification.state == MessageState.SENT)) or 0,
        "outbox": s.scalar(select(func.count()).select_from(OutboxMessage)) or 0,
        "dead": s.scalar(select(func.count()).where(Notification.state == MessageState.DEAD)) or 0,
    }
    cards = [order_card(o, shops.get(o.shop_id), events[o.id], notes[o.id], outbox) for o in orders]
    return {"counts": counts, "orders": cards, "many_shops": len(shops) > 1}


SHOW_ERROR = frozenset(
    {MessageState.RETRY, MessageState.DEAD, MessageState.SKIPPED, MessageState.FAILED_OVER}
)
OUTCOME_NOTES = {
    "applied": None,
    "overlay": "laid over the current status",
    "unchanged": "repeat: status unchanged",
    "stale": "stale event ignored (older than the current status)",
    "rejected": "rejected: would move the order backwards",
    None: "waiting to be processed",
}


def order_card(
    order: Order,
    shop: Shop | None,
    events: list[OrderEvent],
    notes: list[Notification],
    outbox: dict[int | None, int],
) -> dict[str, Any]:
    """One order of the dashboard, ready for the template."""
    customer = order.customer
    locale = (
        normalize_locale(order.locale)
        or normalize_locale(customer.locale if customer else None)
        or normalize_locale(settings_of(shop).locale if shop else None)
        or "en"
    )
    return {
        "id": order.id,
        "number": order.number,
        "shop": shop.name if shop else "",
        "name": first_name(name_on(order)),
        "locale": locale,
        "locale_name": LOCALE_NAMES.get(locale, locale),
        "status": order.status,
        "status_label": label(order.status),
        "family": family(order.status),
        "overlay": order.overlay,
        "overlay_label": label(order.overlay) if order.overlay else None,
        "reason": order.reason,
        "parcels": parcels_line(order),
        "edd": format_day(order.estimated_delivery, "en"),
        "track_url": url_for("tracking.track", token=tracking_token(wismo().links, order)),
        "events": [
            {
                "label": label(ev.status),
                "family": family(ev.status),
                "at": ev.occurred_at,
                "source": ev.source,
                "parcel": ev.shipment_external_id,
                "outcome": ev.outcome or "queued",
                "note": OUTCOME_NOTES.get(ev.outcome, ev.outcome),
                "quiet": ev.outcome not in ("applied", "overlay"),
            }
            for ev in events
        ],
        "messages": [
            {
                "channel": n.channel,
                "state": n.state,
                "label": label(n.status),
                "at": n.sent_at or n.updated_at or n.created_at,
                "error": n.last_error if n.state in SHOW_ERROR else None,
                "outbox_id": outbox.get(n.id),
            }
            for n in notes
        ],
    }


def parcels_line(order: Order) -> str | None:
    """The dashboard's parcel summary: items shipped when partial, else the parcel count."""
    n = len(order.shipments)
    return parcel_summary(order, "en") or (f"{n} parcel{'s' if n != 1 else ''}" if n else None)


def message_row(m: OutboxMessage) -> dict[str, Any]:
    """The list view of one outbox message."""
    meta = m.meta or {}
    return {
        "id": m.id,
        "kind": m.kind,
        "recipient": m.recipient,
        "subject": m.subject or one_line(m.text),
        "at": m.created_at,
        "order_number": meta.get("order_number"),
        "locale": meta.get("locale"),
        "status": meta.get("status"),
        "status_label": label(meta.get("status")) if meta.get("status") else None,
        "family": family(meta.get("status")),
    }


def one_line(text: str | None, limit: int = 90) -> str:
    """`text` on one line, cut with an ellipsis after `limit` characters."""
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
