"""The relay: the database is the truth, the queue only an accelerator.

Each tick re-enqueues what should have been done and was not: events accepted but
never processed (Redis was down, a worker died), notifications due but never sent,
and sends whose worker vanished mid-way (a claim older than the lease; each claim counts
as an attempt, so one that keeps killing its worker ends as a dead letter).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.domain.states import DUE, MessageState
from core.queue import JobQueue
from core.settings import Settings
from core.storage.clock import utcnow
from core.storage.db import rowcount
from core.storage.models import Notification, OrderEvent

from .claims import forgotten
from .delivery import hand_over
from .problems import relay_reports

log = logging.getLogger(__name__)

BATCH = 500
VANISHED = "the sending worker vanished"


@dataclass(frozen=True)
class RelayReport:
    """What one tick found and re-enqueued."""

    events: int = 0
    notifications: int = 0
    released: int = 0  # abandoned sends put back for a retry
    dead: int = 0  # abandoned sends that had used up their attempts
    problem_reports: int = 0  # shoppers' problem reports re-queued for forwarding


def relay_tick(
    sessions: sessionmaker[Session],
    queue: JobQueue,
    settings: Settings,
    now: datetime | None = None,
) -> RelayReport:
    """Re-enqueue forgotten work; safe to run from several schedulers at once."""
    now = now or utcnow()
    grace = now - timedelta(seconds=settings.relay_grace_seconds)
    lease = now - timedelta(seconds=settings.send_lease_seconds)
    with sessions() as s, s.begin():
        released, dead = _release_abandoned(s, lease, settings.max_attempts, now)
        events = list(
            s.scalars(
                select(OrderEvent.id)
                .where(
                    OrderEvent.processed_at.is_(None),
                    OrderEvent.received_at < grace,
                    or_(OrderEvent.queued_at.is_(None), OrderEvent.queued_at < grace),
                )
                .order_by(OrderEvent.id)
                .limit(BATCH)
            )
        )
        notes = forgotten(s, Notification, DUE, now, grace)
        if events:
            s.execute(update(OrderEvent).where(OrderEvent.id.in_(events)).values(queued_at=now))
    for event_id in events:
        queue.enqueue("process_event", event_id)
    for note_id in notes:
        queue.enqueue("deliver", note_id)
    for note_id in dead:
        hand_over(sessions, queue, note_id, now)
    # shoppers' problem reports waiting to be forwarded
    reports = relay_reports(sessions, queue, settings, now)
    return RelayReport(len(events), len(notes), released, len(dead), reports)


def _release_abandoned(
    s: Session, lease: datetime, max_attempts: int, now: datetime
) -> tuple[int, list[int]]:
    """Sends claimed before `lease` whose worker never recorded an outcome: back to `retry`,
    or `dead` once they used up their attempts (each claim counted one), so a message that
    kills its worker every time ends instead of coming back forever.
    Returns how many were released for a retry and the ids of the new dead letters."""
    stale = s.execute(
        select(Notification.id, Notification.attempts, Notification.claim)
        .where(Notification.state == MessageState.SENDING, Notification.claimed_at < lease)
        .order_by(Notification.claimed_at)
        .limit(BATCH)
    ).all()
    released, dead = 0, []
    for note_id, attempts, claim in stale:
        error = f"{VANISHED} (no outcome within the send lease)"
        exhausted = attempts >= max_attempts
        taken = rowcount(
            s.execute(
                update(Notification)
                .where(
                    Notification.id == note_id,
                    Notification.state == MessageState.SENDING,
                    Notification.claim == claim,
                )
                .values(
                    state=MessageState.DEAD if exhausted else MessageState.RETRY,
                    claim=None,
                    last_error=f"gave up after {attempts} attempts: {error}"
                    if exhausted
                    else error,
                    updated_at=now,
                )
            )
        )
        if taken and exhausted:
            log.warning("notification %s is a dead letter: %s", note_id, error)
            dead.append(note_id)
        elif taken:
            released += 1
    return released, dead
