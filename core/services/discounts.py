"""Making up for a delay: one discount code per late order, from the merchant's own list.

The merchant uploads codes made in their store (Settings → Care); a late order past the
threshold takes the first code no order of the shop has taken, and keeps it: the code is
recorded on the care step (`care_actions.discount_code`) and shown in the admin.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.care import Due
from core.shop_settings import settings_of
from core.storage.models import CareAction, Order, Shop


def code_for_delay(s: Session, shop: Shop, order: Order, due: Due, new: date) -> str | None:
    """The order's discount code for this delay, when the shop offers one and it is late enough."""
    offer = settings_of(shop).care.discount
    if not offer.on or not offer.codes:
        return None
    promised = date.fromisoformat(due.cause)
    if (new - promised).days < offer.after_days:
        return None
    taken = s.scalars(
        select(CareAction.discount_code).where(
            CareAction.shop_id == shop.id, CareAction.discount_code.is_not(None)
        )
    ).all()
    mine = s.scalar(
        select(CareAction.discount_code).where(
            CareAction.shop_id == shop.id,
            CareAction.order_id == order.id,
            CareAction.discount_code.is_not(None),
        )
    )
    if mine is not None:
        return mine  # one per order, whatever happens later
    used = set(taken)
    return next((c for c in offer.codes if c not in used), None)
