"""The jobs rq (or the in-process queue) runs. They take ids and are idempotent."""

from __future__ import annotations

from core.bootstrap import container
from core.services import delivery, pipeline


def process_event(event_id: int) -> None:
    """Apply a stored event and queue the messages it made due."""
    c = container()
    with c.session() as session:
        result = pipeline.process_event(session, event_id)
    for note_id in result.notification_ids:
        c.queue.enqueue("deliver", note_id)


def deliver(notification_id: int) -> None:
    """Render and send one stored notification; schedule its retry or due time."""
    c = container()
    result = delivery.deliver(c, notification_id)
    if result.state in ("retry", "pending") and result.retry_at is not None:
        c.queue.enqueue("deliver", notification_id, at=result.retry_at)
