"""The jobs rq (or the in-process queue) runs. They take ids and are idempotent."""

from __future__ import annotations

from datetime import timedelta

from core.bootstrap import container
from core.domain.states import DUE
from core.services import delivery, pipeline, problems


def process_event(event_id: int) -> None:
    """Apply a stored event and queue the messages it made due."""
    c = container()
    with c.session() as session:
        try:
            result = pipeline.process_event(session, event_id)
        except Exception as exc:
            # counted, so a poison event is dead-lettered after a few tries instead of
            # being retried by rq and the relay forever
            if pipeline.record_failure(session, event_id, exc):
                return
            raise
    for note_id in result.notification_ids:
        c.queue.enqueue("deliver", note_id)


def deliver(notification_id: int) -> None:
    """Render and send one stored notification; schedule its retry or due time."""
    c = container()
    result = delivery.deliver(c, notification_id)
    if result.state in DUE and result.retry_at is not None:
        c.queue.enqueue("deliver", notification_id, at=result.retry_at)


def forward_problem(report_id: int) -> None:
    """Forward a shopper's stored problem report to the merchant; schedule its retry."""
    c = container()
    result = problems.forward_problem(c, report_id)
    if result.state in problems.DUE and result.retry_at is not None:
        c.queue.enqueue("forward_problem", report_id, at=result.retry_at)


def sign_in_link(staff_id: int) -> None:
    """Email a staff member the sign-in link they asked for (0: an unknown address)."""
    from core.services.sign_in_links import send_sign_in_link

    send_sign_in_link(container(), staff_id)


def backfill_shop(shop_id: int, days: int = 60) -> None:
    """A newly installed shop: import its open orders through its adapter (silently)."""
    from core.plugins import ADAPTERS, load_plugins
    from core.storage.clock import utcnow
    from core.storage.models import Shop

    c = container()
    fresh: list[int] = []
    with c.session() as session:
        shop = session.get(Shop, shop_id)
        adapter = load_plugins(ADAPTERS).loaded.get(shop.platform) if shop else None
        fetch = getattr(adapter, "backfill", None)
        if shop is None or fetch is None:
            return
        for _pages, events in fetch(c, shop, utcnow() - timedelta(days=days)):
            for event in events:
                accepted = pipeline.accept_event(session, shop.id, event)
                if not accepted.duplicate:
                    fresh.append(accepted.event_id)
        session.commit()
    for event_id in fresh:
        c.queue.enqueue("process_event", event_id)


def adapter_work(shop_id: int) -> None:
    """Work a shop's adapter took out of a request to answer in time (Shopify's privacy
    requests): the adapter's `run_pending(container, shop_id)`, idempotent."""
    from core.plugins import ADAPTERS, load_plugins
    from core.storage.models import Shop

    c = container()
    with c.session() as session:
        shop = session.get(Shop, shop_id)
        platform = shop.platform if shop else None
    adapter = load_plugins(ADAPTERS).loaded.get(platform or "")
    run = getattr(adapter, "run_pending", None)
    if run is not None:
        run(c, shop_id)
