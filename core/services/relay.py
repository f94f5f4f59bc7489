"""The relay: the database is the truth, the queue only an accelerator.

Each tick re-enqueues what should have been done and was not: events accepted but
never processed (Redis was down, a worker died), notifications due but never sent,
and sends whose worker vanished mid-way (a claim older than the lease).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update

from core.storage.clock import utcnow
from core.storage.db import rowcount
from core.storage.models import Notification, OrderEvent

from .problems import relay_reports

if TYPE_CHECKING:
    from core.bootstrap import Container

BATCH = 500


@dataclass(frozen=True)
class RelayReport:
    """What one tick found and re-enqueued."""

    events: int = 0
    notifications: int = 0
    released: int = 0
    problem_reports: int = 0


def relay_tick(c: Container, now: datetime | None = None) -> RelayReport:
    """Re-enqueue forgotten work; safe to run from several schedulers at once."""
    now = now or utcnow()
    grace = now - timedelta(seconds=c.settings.relay_grace_seconds)
    lease = now - timedelta(seconds=c.settings.send_lease_seconds)
    with c.session() as s, s.begin():
        released = rowcount(
            s.execute(
                update(Notification)
                .where(Notification.state == "sending", Notification.claimed_at < lease)
                .values(
                    state="retry",
                    claim=None,
                    last_error="the sending worker vanished",
                    updated_at=now,
                )
            )
        )
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
        notes = list(
            s.scalars(
                select(Notification.id)
                .where(
                    Notification.state.in_(("pending", "retry")),
                    Notification.not_before <= now,
                    or_(Notification.queued_at.is_(None), Notification.queued_at < grace),
                )
                .order_by(Notification.not_before)
                .limit(BATCH)
            )
        )
        if events:
            s.execute(update(OrderEvent).where(OrderEvent.id.in_(events)).values(queued_at=now))
        if notes:
            s.execute(update(Notification).where(Notification.id.in_(notes)).values(queued_at=now))
    for event_id in events:
        c.queue.enqueue("process_event", event_id)
    for note_id in notes:
        c.queue.enqueue("deliver", note_id)
    reports = relay_reports(c, now)  # shoppers' problem reports waiting to be forwarded
    return RelayReport(len(events), len(notes), released, reports)
