"""Claims on stored sends (notifications, problem reports): take one, record its outcome,
find the ones the queue forgot.

A send is claimed by a conditional UPDATE (due -> sending, with a token), so two workers
never send it together, and its outcome is recorded only while the token is still its own:
a claim older than the send lease is released by the relay and may have passed to another.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.crypto import new_token
from core.storage.db import rowcount
from core.storage.models import Notification, ProblemReport

Claimable = type[Notification] | type[ProblemReport]
BATCH = 500


def take_claim(
    session: Session,
    model: Claimable,
    row_id: int,
    due: tuple[StrEnum, ...],
    sending: StrEnum,
    now: datetime,
    **values: Any,
) -> str | None:
    """Claim a due row for sending (counting the attempt); the token, or None if not ours."""
    token = new_token(8)
    taken = rowcount(
        session.execute(
            update(model)
            .where(model.id == row_id, model.state.in_(due), model.not_before <= now)
            .values(
                state=sending, claim=token, claimed_at=now, attempts=model.attempts + 1, **values
            )
        )
    )
    return token if taken else None


def record_claimed(
    session: Session, model: Claimable, row_id: int, token: str, values: dict[str, Any]
) -> bool:
    """Record a send's outcome if the claim is still ours; False when it was lost."""
    return bool(
        rowcount(
            session.execute(
                update(model).where(model.id == row_id, model.claim == token).values(**values)
            )
        )
    )


def forgotten(
    session: Session,
    model: Claimable,
    due: tuple[StrEnum, ...],
    now: datetime,
    grace: datetime,
) -> list[int]:
    """Due rows nobody queued since `grace` (oldest due first), marked queued now."""
    ids = list(
        session.scalars(
            select(model.id)
            .where(
                model.state.in_(due),
                model.not_before <= now,
                or_(model.queued_at.is_(None), model.queued_at < grace),
            )
            .order_by(model.not_before)
            .limit(BATCH)
        )
    )
    if ids:
        session.execute(update(model).where(model.id.in_(ids)).values(queued_at=now))
    return ids
