"""What the admin's Care page shows: open care items, codes given; marking an item handled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.domain.care import CLOSED
from core.i18n import NP_, Marked
from core.storage.models import CareAction, Order

WINDOW = timedelta(days=14)
"""Care steps older than this no longer count as needing attention."""
PROBLEM_WORDS: dict[str, Marked] = {
    "attempted": NP_("care", "failed delivery attempt"),
    "refused": NP_("care", "refused by the recipient"),
    "returned": NP_("care", "returned to sender"),
    "storage_ended": NP_("care", "not collected in time, going back"),
    "exception": NP_("care", "a carrier problem"),
}
"""A delivery problem's kind, in the merchant's words."""


@dataclass(frozen=True)
class CareItem:
    """One open item: the care step, its order's number and id, what kind, and when."""

    id: int
    order_id: int
    number: str
    rule: str
    kind: str  # the problem's kind, else the rule
    parcel: str
    at: datetime
    code: str | None


def care_list(s: Session, shop_id: int, now: datetime, limit: int = 200) -> list[CareItem]:
    """The shop's open orders that care flagged, delayed or found in trouble, newest first."""
    rows = s.execute(
        select(CareAction, Order.number, Order.status)
        .join(Order, Order.id == CareAction.order_id)
        .where(
            CareAction.shop_id == shop_id,
            Order.shop_id == shop_id,
            CareAction.resolved_at.is_(None),
            CareAction.created_at >= now - WINDOW,
            CareAction.step.in_(("delay", "flag")),
        )
        .order_by(CareAction.created_at.desc())
        .limit(limit)
    ).all()
    return [
        CareItem(
            a.id,
            a.order_id,
            number,
            a.rule,
            str(a.detail.get("problem") or a.rule),
            a.parcel,
            a.created_at,
            a.discount_code,
        )
        for a, number, status in rows
        if status not in CLOSED
    ]


@dataclass(frozen=True)
class CodeGiven:
    """A discount code a late order got."""

    order_id: int
    number: str
    code: str
    at: datetime


def codes_given(s: Session, shop_id: int, limit: int = 500) -> list[CodeGiven]:
    """The discount codes given for delays, newest first (one per order)."""
    rows = s.execute(
        select(CareAction.order_id, Order.number, CareAction.discount_code, CareAction.created_at)
        .join(Order, Order.id == CareAction.order_id)
        .where(CareAction.shop_id == shop_id, CareAction.discount_code.is_not(None))
        .order_by(CareAction.created_at.desc())
        .limit(limit)
    ).all()
    return [CodeGiven(o, n, str(c), at) for o, n, c, at in rows]


def resolve(s: Session, shop_id: int, action_id: int, now: datetime) -> None:
    """Mark a care item handled (only the shop's own)."""
    s.execute(
        update(CareAction)
        .where(CareAction.shop_id == shop_id, CareAction.id == action_id)
        .values(resolved_at=now)
    )
