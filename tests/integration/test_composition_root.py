"""One composition root: an app built around its own container runs its jobs on that container.

The experiment of issue 13: a test app created with its own container accepted an event, and
the job processed it against another database (a `wismo.db` in the current folder). Here each
process's jobs get their dependencies from the container that built their queue or worker.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.bootstrap import bootstrap
from core.jobs import Jobs
from core.queue import InlineQueue
from core.queue_rq import RqQueue, worker_for
from core.settings import Settings
from core.storage.clock import utcnow
from core.storage.models import Base, Notification, Order, OrderEvent
from tests.conftest import TEST_SECRET, add_shop
from webapp import create_app

pytestmark = pytest.mark.integration


def event(order: str = "1001") -> dict:
    """An event API body: order `order` was placed an hour ago."""
    return {
        "event_id": f"evt-{order}",
        "order": {
            "id": order,
            "number": f"#{order}",
            "status": "placed",
            "occurred_at": (utcnow() - timedelta(hours=1)).isoformat(),
            "customer": {"name": "Olena", "email": "olena@example.com", "locale": "uk"},
        },
    }


def own_container(folder: Path, **overrides):  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url=f"sqlite:///{folder / 'own.db'}",
        secret_key=TEST_SECRET,
        public_url="http://wismo.test",
        **overrides,
    )
    folder.mkdir()
    return settings


def post(c, shop, order: str = "1001") -> int:  # type: ignore[no-untyped-def]
    """POST one event through an app built around `c`; the status code."""
    r = (
        create_app(container=c)
        .test_client()
        .post(
            "/api/v1/orders/events",
            json=event(order),
            headers={"Authorization": f"Bearer {shop.api_key}"},
        )
    )
    return r.status_code


def counts(c) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with c.session() as s:
        return (
            s.scalar(select(func.count()).select_from(OrderEvent)) or 0,
            s.scalar(select(func.count()).select_from(Order)) or 0,
            s.scalar(select(func.count()).select_from(Notification)) or 0,
        )


def test_an_app_with_its_own_container_processes_the_event_in_its_own_database(
    tmp_path, monkeypatch
):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # where a second container from the environment would put wismo.db
    monkeypatch.delenv("WISMO_DATABASE_URL", raising=False)
    mine = bootstrap(own_container(tmp_path / "mine", inline_jobs=True))
    other = bootstrap(own_container(tmp_path / "other", inline_jobs=True))
    for c in (mine, other):
        Base.metadata.create_all(c.engine)
    shop = add_shop(mine)
    try:
        assert post(mine, shop) == 202
        assert counts(mine) == (1, 1, 1)  # accepted, processed and its message made, here
        with mine.session() as s:
            assert s.scalar(select(OrderEvent.outcome)) == "applied"
            assert s.scalar(select(Notification.state)) == "sent"
        assert counts(other) == (0, 0, 0)
        assert list(cwd.iterdir()) == []  # no wismo.db from a second, global container
    finally:
        mine.engine.dispose()
        other.engine.dispose()


def test_a_worker_runs_the_jobs_of_the_container_it_was_built_from(
    tmp_path, monkeypatch, redis_client, redis_url
):
    monkeypatch.chdir(tmp_path)
    c = bootstrap(own_container(tmp_path / "rq"), queue=RqQueue(redis_url))
    Base.metadata.create_all(c.engine)
    shop = add_shop(c)
    try:
        assert post(c, shop, "2002") == 202
        assert counts(c) == (1, 0, 0)  # stored; the job waits in Redis
        assert c.queue.depth() == 1
        assert isinstance(c.queue, RqQueue)
        worker = worker_for(Jobs(c).run, redis_client, c.queue.queue)
        worker.work(burst=True)  # process_event, then the deliver job it enqueued
        assert counts(c) == (1, 1, 1)
        with c.session() as s:
            assert s.scalar(select(Notification.state)) == "sent"
        assert not (tmp_path / "wismo.db").exists()
    finally:
        c.engine.dispose()


def test_in_process_queues_run_the_jobs_of_their_own_container(tmp_path):
    a = bootstrap(own_container(tmp_path / "a"), queue=InlineQueue)
    b = bootstrap(own_container(tmp_path / "b"), queue=InlineQueue)
    for c in (a, b):
        Base.metadata.create_all(c.engine)
    try:
        for c, order in ((a, "1"), (b, "2"), (b, "3")):
            shop = add_shop(c)
            assert post(c, shop, order) == 202
        assert counts(a) == (1, 1, 1) and counts(b) == (2, 2, 2)
    finally:
        a.engine.dispose()
        b.engine.dispose()
