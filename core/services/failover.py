"""Failover: a message that cannot go out on its channel takes the next one, once.

The shop's `failover` setting orders the channels per status (e.g. shipped:
whatsapp -> sms -> email). When a message ends dead (every provider failed, no address,
the SMS cap) or the shopper turned out to have opted out, the next channel of the chain
that is switched on, reachable, not opted out and not yet used for this status gets a
new notification with `fallback_of` pointing back. The unique key of notifications
(order, status, parcel, channel) makes each channel carry a status at most once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import hooks
from core.domain.rules import after_quiet_hours, next_in_chain, stopped
from core.domain.states import MessageState
from core.domain.statuses import Status
from core.storage.models import Notification, Shop
from core.storage.upsert import insert_ignore

from .contacts import opted_out_channels, reachable_channels
from .shops import policy_of

log = logging.getLogger(__name__)


def fall_over(session: Session, notification_id: int, now: datetime) -> tuple[int, str] | None:
    """Create the stand-in for a failed notification: (its id, channel), or None if none."""
    note = session.get(Notification, notification_id)
    if note is None:
        return None
    shop = session.get(Shop, note.shop_id)
    if shop is None or not shop.active:
        return None
    policy = policy_of(shop)
    status = Status(note.status)
    customer = note.order.customer
    used = set(
        session.scalars(
            select(Notification.channel).where(
                Notification.shop_id == shop.id,
                Notification.order_id == note.order_id,
                Notification.status == note.status,
                Notification.shipment_key == note.shipment_key,
            )
        )
    )
    off = opted_out_channels(session, shop.id, customer)
    usable = {
        ch for ch in reachable_channels(shop, customer) - used if not stopped(ch, status, off)
    }
    view, order = hooks.shop_view(shop), note.order  # a stand-in a hook vetoes is no stand-in
    usable = {
        ch
        for ch in usable
        if not hooks.vetoed(
            view, hooks.HookMessage(ch, status.value, order.external_id, order.number)
        )
    }
    channel = next_in_chain(policy, status, note.channel, usable)
    if channel is None:
        return None
    at = now
    if channel in policy.quiet:
        at = after_quiet_hours(
            now, policy, (customer.timezone if customer else None) or policy.timezone
        )
    new_id = session.scalar(
        insert_ignore(session, Notification)
        .values(
            shop_id=shop.id,
            order_id=note.order_id,
            status=note.status,
            shipment_key=note.shipment_key,
            channel=channel,
            state=MessageState.PENDING,
            not_before=at,
            attempts=0,
            fallback_of=note.id,
            event_facts=note.event_facts,
            created_at=now,
            updated_at=now,
        )
        .returning(Notification.id)
    )
    if new_id is None:
        return None
    session.execute(
        update(Notification)
        .where(Notification.id == note.id, Notification.shop_id == shop.id)
        .values(
            state=MessageState.FAILED_OVER,
            last_error=f"{note.last_error or 'failed'}; failed over to {channel} (#{new_id})",
            updated_at=now,
        )
    )
    log.info("notification %s failed over to %s as %s", note.id, channel, new_id)
    return new_id, channel
