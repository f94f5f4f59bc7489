"""One way in: `ingest` stores a shop's events once, commits, and enqueues them safely."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.domain.events import CustomerInfo, OrderEventIn
from core.domain.statuses import Status
from core.jobs import Jobs
from core.queue_rq import QueueUnavailable, RqQueue, worker_for
from core.services.ingest import Ingested, ingest
from core.storage.clock import utcnow
from core.storage.models import Notification, OrderEvent, Shop
from tests.conftest import add_shop
from tests.support.ticks import relay_tick

pytestmark = pytest.mark.integration

OLENA = CustomerInfo(name="Олена", email="olena@example.com", locale="uk")
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there: every enqueue is refused


def placed(key: str, order: str = "1001") -> OrderEventIn:
    return OrderEventIn(
        event_key=key,
        source="test",
        order_id=order,
        number=f"#{order}",
        occurred_at=utcnow() - timedelta(hours=1),
        status=Status.PLACED,
        customer=OLENA,
    )


def stored(c) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    with c.session() as s:
        rows = s.execute(
            select(OrderEvent.event_key, OrderEvent.processed_at.is_not(None)).order_by(
                OrderEvent.id
            )
        )
        return [(key, bool(done)) for key, done in rows]


def test_new_events_are_stored_processed_and_counted_and_repeats_are_duplicates(container):
    shop = add_shop(container)
    with container.session() as s:
        first = ingest(s, container.queue, shop.shop.id, [placed("a", "1"), placed("b", "2")])
    with container.session() as s:
        again = ingest(s, container.queue, shop.shop.id, [placed("b", "2"), placed("c", "3")])
    assert (first.accepted, first.duplicates) == (2, 0)
    assert (again.accepted, again.duplicates) == (1, 1)
    assert stored(container) == [("a", True), ("b", True), ("c", True)]  # inline queue
    assert (first + again).fresh == first.fresh + again.fresh
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 3  # b once


def test_an_empty_delivery_commits_the_callers_changes_and_queues_nothing(container):
    shop = add_shop(container, name="Before")
    with container.session() as s:
        row = s.get(Shop, shop.shop.id)
        row.name = "After"  # e.g. a receipt note or a reconciliation cursor
        assert ingest(s, container.queue, shop.shop.id, []) == Ingested()
    with container.session() as s:
        assert s.get(Shop, shop.shop.id).name == "After"


def test_a_refused_enqueue_keeps_the_event_for_the_relay(container):
    shop = add_shop(container)
    down = RqQueue(DEAD_REDIS)
    with container.session() as s:
        result = ingest(s, down, shop.shop.id, [placed("a")])
    assert result.accepted == 1  # accepted all the same: the database has it
    assert stored(container) == [("a", False)]
    with pytest.raises(QueueUnavailable):  # the queue stays marked down for a moment
        down.enqueue("process_event", result.fresh[0])
    with container.session() as s:  # a retry of the same delivery is a duplicate, not lost
        assert ingest(s, down, shop.shop.id, [placed("a")]).duplicates == 1
    later = utcnow() + timedelta(seconds=container.settings.relay_grace_seconds + 5)
    assert relay_tick(container, now=later).events == 1  # the relay sends it on (inline)
    assert stored(container) == [("a", True)]


def test_enqueued_events_wait_in_redis_for_a_worker(container, redis_client, redis_url):
    shop = add_shop(container)
    queue = RqQueue(redis_url)
    with container.session() as s:
        result = ingest(s, queue, shop.shop.id, [placed("a"), placed("b", "2")])
    assert queue.depth() == 2 and stored(container) == [("a", False), ("b", False)]
    worker_for(Jobs(container).run, redis_client, queue.queue).work(burst=True)
    assert stored(container) == [("a", True), ("b", True)]
    assert result.accepted == 2
