"""What the merchant sees of the follower: per-carrier health and the parcels needing attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from core.domain.statuses import Status
from core.storage.models import CarrierScan, FollowedParcel

from .following import ENDED, NOT_FOUND, UNRECOGNISED

QUIET_TOO_LONG = timedelta(days=7)  # in transit with no new scan for this long


@dataclass(frozen=True)
class CarrierHealth:
    """One carrier of a shop: parcels followed now, the last good answer, failing parcels."""

    carrier: str
    followed: int
    last_success_at: datetime | None
    failing: int
    last_error: str | None


def health(session: Session, shop_id: int) -> list[CarrierHealth]:
    """Each carrier the shop's parcels are followed at, by slug."""
    rows = session.execute(
        select(
            FollowedParcel.carrier,
            func.count(),
            func.max(FollowedParcel.last_success_at),
            func.sum(case((FollowedParcel.failures > 0, 1), else_=0)),
        )
        .where(
            FollowedParcel.shop_id == shop_id,
            FollowedParcel.state != ENDED,
            FollowedParcel.carrier.is_not(None),
        )
        .group_by(FollowedParcel.carrier)
        .order_by(FollowedParcel.carrier)
    ).all()
    out = []
    for carrier, followed, last_ok, failing in rows:
        error = session.scalar(
            select(FollowedParcel.last_error)
            .where(
                FollowedParcel.shop_id == shop_id,
                FollowedParcel.carrier == carrier,
                FollowedParcel.last_error.is_not(None),
                FollowedParcel.state != ENDED,
            )
            .order_by(FollowedParcel.last_checked_at.desc())
            .limit(1)
        )
        out.append(CarrierHealth(str(carrier), followed, last_ok, int(failing or 0), error))
    return out


@dataclass(frozen=True)
class NeedsAttention:
    """A parcel the merchant should look at, and why."""

    parcel_id: int
    order_external_id: str
    number: str
    carrier: str | None
    why: str  # unrecognised | not_found | quiet | problem


def attention(
    session: Session, shop_id: int, now: datetime, limit: int = 200
) -> list[NeedsAttention]:
    """Parcels no carrier recognises or knows after 48 h, stuck without news, or in trouble."""
    rows = session.scalars(
        select(FollowedParcel)
        .where(
            FollowedParcel.shop_id == shop_id,
            or_(
                FollowedParcel.flagged_at.is_not(None),
                FollowedParcel.status == Status.EXCEPTION.value,
                (FollowedParcel.status == Status.IN_TRANSIT.value)
                & (FollowedParcel.state != ENDED)
                & (FollowedParcel.created_at < now - QUIET_TOO_LONG),
            ),
        )
        .order_by(FollowedParcel.id.desc())
        .limit(limit)
    ).all()
    out = []
    for p in rows:
        if p.flagged_at is not None:
            why = "unrecognised" if p.state == UNRECOGNISED else NOT_FOUND
        elif p.status == Status.EXCEPTION.value:
            why = "problem"
        else:
            last_scan = session.scalar(
                select(func.max(CarrierScan.occurred_at)).where(CarrierScan.parcel_id == p.id)
            )
            if last_scan is not None and last_scan > now - QUIET_TOO_LONG:
                continue  # in transit, with news lately
            why = "quiet"
        out.append(NeedsAttention(p.id, p.order_external_id, p.number, p.carrier, why))
    return out
