"""News the shopper is owed beyond a status's own message: a missed confirmation, a new number.

Events arrive late, out of order, or skip steps; these rules make sure the shopper
still hears the two things every order must tell them: that it was received (the
`placed` confirmation), and where each parcel can be followed (its tracking number).
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.domain.rules import carries_tracking
from core.domain.statuses import RANK, RETURN_PATH, Status
from core.storage.models import Notification, Order, OrderEvent, Shipment

from .messages import TRACKING_MARK

NO_CONFIRMATION = frozenset({Status.PLACED, Status.CANCELLED, *RETURN_PATH})
"""News that needs no belated confirmation: it is one, or the order is over."""

UNRENDERED = ("pending", "retry")
"""States of a message not rendered yet: it will show the facts known when it is sent."""


def confirmation_owed(session: Session, order: Order, notify: Status | None) -> bool:
    """Whether this news is the order's first and it was never confirmed (e.g. `processing` first).

    An order imported silently (backfill) has had news already, so it is never confirmed late.
    """
    if notify is None or notify in NO_CONFIRMATION or order.status in NO_CONFIRMATION:
        return False
    earlier_news = exists().where(
        OrderEvent.shop_id == order.shop_id,
        OrderEvent.order_id == order.id,
        OrderEvent.processed_at.is_not(None),
        OrderEvent.outcome.in_(("applied", "overlay")),
    )
    confirmed = exists().where(
        Notification.shop_id == order.shop_id,
        Notification.order_id == order.id,
        Notification.status == Status.PLACED.value,
    )
    return not session.scalar(select(earlier_news | confirmed))


def tracked(order: Order) -> set[str]:
    """The ids of the order's parcels that have a tracking number."""
    return {s.external_id for s in order.shipments if s.tracking_number}


def newly_tracked(order: Order, before: set[str]) -> list[Shipment]:
    """Parcels whose tracking number appeared just now, once they are on their way.

    A number known before shipping waits for the shipped message; a parcel already
    delivered has no use for it; a cancelled or returned order hears no more of parcels.
    """
    status = Status(order.status) if order.status else None
    if status is None or status == Status.CANCELLED or status in RETURN_PATH:
        return []
    shipped = RANK[status] >= RANK[Status.SHIPPED]
    return [
        s
        for s in order.shipments
        if s.tracking_number
        and s.external_id not in before
        and s.status != Status.DELIVERED.value
        and (s.status is not None or shipped)
    ]


def tracking_key(
    session: Session,
    parcel: Shipment,
    channel: str,
    told: tuple[Status, str] | None,
) -> str | None:
    """The shipment key of the shipping message `parcel`'s new number is owed on `channel`.

    None when no message is owed: this event's own message for the parcel on `channel`
    (`told`: its status and key) tells the number, or a shipping message not yet
    rendered will.
    The parcel's first shipping message, else (the order or the parcel was already
    announced as shipped) one marked "~tracking": "here is your tracking number".
    """
    if told is not None and told[1] == parcel.external_id and carries_tracking(told[0], channel):
        return None
    rows = session.execute(
        select(Notification.shipment_key, Notification.state).where(
            Notification.shop_id == parcel.shop_id,
            Notification.order_id == parcel.order_id,
            Notification.status == Status.SHIPPED.value,
            Notification.channel == channel,
            Notification.shipment_key.in_((parcel.external_id, "")),
        )
    ).all()
    if any(state in UNRENDERED for _key, state in rows):
        return None  # it will be rendered with the number
    if not rows:
        return parcel.external_id
    # the shopper was told it shipped (for the parcel, or for the order) without the number
    return parcel.external_id[: 100 - len(TRACKING_MARK)] + TRACKING_MARK
