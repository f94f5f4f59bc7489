"""The jobs rq (or the in-process queue) runs. They take ids and are idempotent.

`Jobs` is built once per process from its Container (`core.bootstrap`) and hands each
service the parts it names: the queues and workers run `Jobs.run(name, *ids)`.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from core import registry
from core.container import Container
from core.domain.states import DUE
from core.queue import known
from core.services import delivery, pipeline, problems
from core.services.ingest import ingest
from core.storage.clock import utcnow
from core.storage.models import Shop


def database_outage(exc: BaseException) -> bool:
    """Whether `exc` is the database going away (a dropped connection, a restart), not data."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class Jobs:
    """The process's jobs, bound to its dependencies."""

    def __init__(self, c: Container) -> None:
        self.c = c

    def run(self, job: str, *args: int) -> None:
        """Run the named job with its ids."""
        getattr(self, known(job))(*args)

    def process_event(self, event_id: int) -> None:
        """Apply a stored event and queue the messages it made due."""
        c = self.c
        with c.session() as session:
            try:
                result = pipeline.process_event(session, event_id)
            except Exception as exc:
                # counted, so a poison event is dead-lettered after a few tries instead of
                # being retried by rq and the relay forever; a lost database connection is
                # not the event's fault and is not counted (rq and the relay try it again)
                if not database_outage(exc) and pipeline.record_failure(session, event_id, exc):
                    return
                raise
        for note_id in result.notification_ids:
            c.queue.enqueue("deliver", note_id)

    def deliver(self, notification_id: int) -> None:
        """Render and send one due notification, the shop served least recently first (this
        job's own unless another shop waits: `delivery.fair_turn`); schedule its retry."""
        c = self.c
        turn = delivery.fair_turn(c.sessions, notification_id, utcnow())
        for target in dict.fromkeys((turn, notification_id)):
            result = delivery.deliver(c.sessions, c.queue, c.providers, c.links, c.policy, target)
            if result.state in DUE and result.retry_at is not None:
                c.queue.enqueue("deliver", target, at=result.retry_at)
            if result.claimed:
                return  # one send per job; a turn another worker took falls back to our own

    def forward_problem(self, report_id: int) -> None:
        """Forward a shopper's stored problem report to the merchant; schedule its retry."""
        c = self.c
        result = problems.forward_problem(
            c.sessions, c.providers, c.policy, c.links.public_url, report_id
        )
        if result.state in problems.DUE and result.retry_at is not None:
            c.queue.enqueue("forward_problem", report_id, at=result.retry_at)

    def sign_in_link(self, staff_id: int, language: int = 0) -> None:
        """Email a staff member the sign-in link they asked for (0: an unknown address);
        `language` indexes core.i18n.LOCALES (the asking browser's, if theirs is unset)."""
        from core.services.sign_in_links import send_sign_in_link

        c = self.c
        send_sign_in_link(c.sessions, c.links, c.providers, staff_id, language)

    def backfill_shop(self, shop_id: int, days: int = 60) -> None:
        """A newly installed shop: import its open orders through its adapter (silently)."""
        c = self.c
        with c.session() as session:
            shop = session.get(Shop, shop_id)
            found = registry.adapter(shop.platform) if shop else None
            if shop is None or found is None or not found.can("backfills"):
                return
            pages = found.plugin.backfill(c, shop, utcnow() - timedelta(days=days))
            # one ingest over every page: it commits the adapter's own record of the run too
            ingest(session, c.queue, shop.id, (e for _count, events in pages for e in events))

    def adapter_work(self, shop_id: int) -> None:
        """Work a shop's adapter took out of a request to answer in time (Shopify's privacy
        requests): the adapter's `run_pending(container, shop_id)`, idempotent."""
        c = self.c
        with c.session() as session:
            shop = session.get(Shop, shop_id)
            platform = shop.platform if shop else None
        found = registry.adapter(platform or "")
        if found is not None and found.can("deferred_work"):
            found.plugin.run_pending(c, shop_id)
