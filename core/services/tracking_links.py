"""Tracking links: what they carry, which order they open, and until when.

A link carries the order's random `public_id` (signed), never the shop's or the order's
database ids. It opens the order's page until `LINK_DAYS` after the order's last news
(its last event or change, so a delivered order's links live 180 days past delivery);
after that the page says the link has expired and how to find the order again. Links sent
before opaque ids (`[shop_id, order_id]`) keep working under the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.links import TRACK, TRACK_ID, Links
from core.storage.models import Order, Shop, new_public_id

LINK_DAYS = 180
"""A tracking link works this many days after the order's last news."""


@dataclass(frozen=True)
class Expired:
    """A genuine link whose order went quiet more than LINK_DAYS ago."""

    shop: Shop
    order: Order


def tracking_token(links: Links, order: Order) -> str:
    """The token for the order's links (giving it a public id if it has none yet)."""
    if not order.public_id:
        order.public_id = new_public_id()
    return links.tracking_token(order.public_id)


def tracking_url(links: Links, order: Order) -> str:
    """The order's tracking link."""
    return f"{links.public_url}/track/{tracking_token(links, order)}"


def expires_at(order: Order) -> datetime:
    """When the order's links stop working: LINK_DAYS after its last news."""
    last = max(d for d in (order.updated_at, order.own_at, order.created_at) if d is not None)
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return last + timedelta(days=LINK_DAYS)


def order_for_token(
    s: Session, links: Links, token: str, now: datetime
) -> tuple[Shop, Order] | Expired | None:
    """The shop and order a tracking token opens; Expired past its time; None otherwise."""
    order = None
    public = links.read(TRACK_ID, token)
    if public and len(public) == 1 and isinstance(public[0], str):
        order = s.scalar(select(Order).where(Order.public_id == public[0]))
    else:
        ids = links.read(TRACK, token)  # a link sent before opaque ids
        if ids and len(ids) == 2 and all(isinstance(i, int) for i in ids):
            order = s.scalar(select(Order).where(Order.shop_id == ids[0], Order.id == ids[1]))
    shop = s.get(Shop, order.shop_id) if order is not None else None
    if order is None or shop is None or not shop.active:
        return None
    if now >= expires_at(order):
        return Expired(shop, order)
    return shop, order
