"""One way in: accept a shop's canonical events, commit, hand the new ones to the queue.

Every source goes through `ingest`: platform webhooks, the event API, reconciliation,
backfills (the job and the command), the simulator. Storing is idempotent per shop and
event key, so a repeated delivery is counted as a duplicate and not processed twice. The
database is the truth and the queue only an accelerator: when the queue refuses a job
(Redis down), the event stays stored unprocessed and the relay enqueues it later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core.domain.events import OrderEventIn
from core.queue import JobQueue

from .pipeline import accept_event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ingested:
    """The ids of the events new to us (queued for processing), and how many we had already."""

    fresh: tuple[int, ...] = ()
    duplicates: int = 0

    @property
    def accepted(self) -> int:
        """How many events were new."""
        return len(self.fresh)

    def __add__(self, other: Ingested) -> Ingested:
        return Ingested(self.fresh + other.fresh, self.duplicates + other.duplicates)


def ingest(
    session: Session,
    queue: JobQueue,
    shop_id: int,
    events: Iterable[OrderEventIn],
    now: datetime | None = None,
) -> Ingested:
    """Store the shop's events once each, commit, and enqueue the new ones' processing."""
    fresh: list[int] = []
    duplicates = 0
    for event in events:
        accepted = accept_event(session, shop_id, event, now)
        if accepted.duplicate:
            duplicates += 1
        else:
            fresh.append(accepted.event_id)
    session.commit()  # the caller's own changes (a cursor, a receipt note) with the events
    for event_id in fresh:
        enqueue_safely(queue, event_id)
    return Ingested(tuple(fresh), duplicates)


def enqueue_safely(queue: JobQueue, event_id: int) -> bool:
    """Hand a committed event to the queue; False when it refused (the relay will send it)."""
    try:
        queue.enqueue("process_event", event_id)
    except Exception as exc:  # the event is committed: losing the fast path loses nothing
        log.warning("could not enqueue event %s (%s); the relay will", event_id, exc)
        return False
    return True
