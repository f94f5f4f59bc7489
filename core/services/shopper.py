"""What a shopper does on the tracking page: visits, preferences, feedback.

Problem reports live in core/services/problems.py.

Every function takes the session and the ids it acts on, and scopes each query by shop.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import registry
from core.channels.phones import region_of
from core.domain.rules import OPTIONAL_EMAIL
from core.domain.statuses import Status
from core.shop_settings import settings_of
from core.storage.models import (
    ContactChannel,
    Customer,
    Feedback,
    OptOut,
    Order,
    Shop,
    TrackingVisit,
)

from .contacts import address_for, opted_out_channels, record_opt_out

VISIT_SOURCES = frozenset({"link", "lookup", "widget", "proxy", "answer"})
MESSENGERS = ("whatsapp", "telegram", "viber")
# a refunded order (cancelled, or sent back) asks for no stars: there is nothing to rate
FEEDBACK_AFTER = frozenset({Status.DELIVERED, Status.RETURN_REQUESTED, Status.RETURNED})
CLOSED = frozenset({Status.CANCELLED, Status.REFUNDED})
"""Orders that will not be delivered: their page speaks of the money, not the parcel."""
MAX_COMMENT = 2000


def record_visit(
    session: Session, shop_id: int, order_id: int | None, source: str, visitor: str
) -> None:
    """Count a look at an order (the merchant's "checked instead of asking" figure)."""
    source = source if source in VISIT_SOURCES else "link"
    session.add(TrackingVisit(shop_id=shop_id, order_id=order_id, source=source, visitor=visitor))


def is_closed(order: Order) -> bool:
    """Cancelled or refunded: nothing more will be delivered."""
    return order.status in CLOSED


def can_rate(order: Order) -> bool:
    """Feedback is asked for once the order has arrived."""
    return order.status in FEEDBACK_AFTER


def save_feedback(session: Session, order: Order, rating: int, comment: str | None) -> Feedback:
    """Store the shopper's 1-5 rating; a second one replaces the first."""
    if not 1 <= rating <= 5:
        raise ValueError("rating must be 1 to 5")
    row = session.scalar(
        select(Feedback).where(Feedback.shop_id == order.shop_id, Feedback.order_id == order.id)
    )
    comment = (comment or "").strip()[:MAX_COMMENT] or None
    if row is None:
        row = Feedback(shop_id=order.shop_id, order_id=order.id, rating=rating, comment=comment)
        session.add(row)
    else:
        row.rating, row.comment = rating, comment
    return row


def feedback_of(session: Session, order: Order) -> Feedback | None:
    """The rating already given for this order, if any."""
    return session.scalar(
        select(Feedback).where(Feedback.shop_id == order.shop_id, Feedback.order_id == order.id)
    )


@dataclass(frozen=True)
class Preference:
    """One channel the shopper may switch on or off, and whether it is on."""

    channel: str
    address: str
    on: bool


def _address(channel: str, customer: Customer) -> str | None:
    if channel in ("email", OPTIONAL_EMAIL):
        return customer.email
    if channel == "sms":
        return customer.phone
    # messenger opt-outs are kept against the shopper's phone (else email), which is what
    # the pipeline's consent check looks up
    return customer.phone or customer.email


def _plugin_kinds(shop: Shop, customer: Customer, used: set[str]) -> list[str]:
    """A plug-in's kinds (push, ...) the shop sends on and this shopper can get.

    Their opt-outs are kept against the phone (else email), as the messengers' are.
    """
    region = region_of(settings_of(shop).country)
    built_in = {"email", "sms", "webhook", *MESSENGERS}
    return [
        name
        for name, kind in registry.kinds().items()
        if name not in built_in
        and name in used
        and not kind.opt_in
        and address_for(name, customer, region)
    ]


def preferences(session: Session, shop: Shop, customer: Customer | None) -> list[Preference]:
    """The channels this shopper can hear from this shop on, each on or off."""
    if customer is None:
        return []
    matrix = settings_of(shop).policy.matrix
    used = {ch for row in matrix.values() for ch, on in (row or {}).items() if on}
    linked = set(
        session.scalars(
            select(ContactChannel.channel).where(
                ContactChannel.shop_id == shop.id, ContactChannel.customer_id == customer.id
            )
        )
    )
    # progress emails (the unsubscribe link's opt-out) can be stopped apart from all email
    offered = ["email", OPTIONAL_EMAIL] if customer.email else []
    if customer.phone:
        offered.append("sms")
    offered += [m for m in MESSENGERS if m in linked or (m == "whatsapp" and m in used)]
    offered += _plugin_kinds(shop, customer, used)
    off = opted_out_channels(session, shop.id, customer)
    return [
        Preference(ch, addr, ch not in off) for ch in offered if (addr := _address(ch, customer))
    ]


def set_preferences(session: Session, shop: Shop, customer: Customer, wanted: set[str]) -> None:
    """Switch each offered channel on (in `wanted`) or off; off is an opt-out the rules honour."""
    for pref in preferences(session, shop, customer):
        if pref.channel in wanted:
            session.execute(
                delete(OptOut).where(
                    OptOut.shop_id == shop.id,
                    OptOut.channel == pref.channel,
                    OptOut.address == pref.address,
                )
            )
        else:
            record_opt_out(session, shop.id, pref.channel, pref.address, "tracking page")
