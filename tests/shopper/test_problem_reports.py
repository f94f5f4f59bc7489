"""Problem reports: stored at once, forwarded by a job with retries, failures recorded."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.bootstrap import Container, bootstrap
from core.domain.statuses import Status
from core.jobs import Jobs
from core.queue_rq import RqQueue, worker_for
from core.services.problems import report_problem
from core.services.shops import update_settings
from core.storage.clock import utcnow
from core.storage.models import Order, OutboxMessage, ProblemReport, Shop
from tests.conftest import add_shop
from tests.support.ticks import relay_tick
from webapp import create_app

from .orders import PEOPLE, push, track_path


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


def with_webhook(c: Container, shop, url: str) -> None:
    with c.session() as s:
        row = s.get(Shop, shop.shop.id)
        update_settings(row, channels={"webhook": [{"provider": "webhook", "url": url}]})
        sealed = c.box.open(row.secrets)
        row.secrets = c.box.seal(
            {**sealed, "channels": {"webhook": [{"secret": "whsec_" + "A" * 44}]}}
        )
        s.commit()


def report(c: Container) -> ProblemReport:
    with c.session() as s:
        (row,) = s.scalars(select(ProblemReport)).all()
        s.expunge(row)
        return row


def wait_out_the_backoff(c: Container) -> None:
    """As if the retry's time had come: its due time moves to a moment ago."""
    with c.session() as s:
        row = s.scalars(select(ProblemReport)).one()
        assert row.not_before > utcnow()  # it really was waiting
        row.not_before = utcnow() - timedelta(seconds=1)
        row.queued_at = None
        s.commit()


def test_on_sqlite_a_report_reaches_the_outbox_at_once_without_locking_the_database(
    sqlite_container, http_stub
):
    """The demo's case: SQLite, no provider (the dev outbox); it used to wait 30 s and fail."""
    c = sqlite_container
    shop = add_shop(c, branding={"support_email": "help@shop.example"})
    order_id = push(c, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    client = create_app(container=c).test_client()
    started = time.monotonic()
    sent = client.post(
        track_path(c, shop.shop.id, order_id) + "/problem",
        data={"kind": "damaged", "message": "The lid is cracked"},
    )
    assert sent.status_code == 303 and time.monotonic() - started < 5
    row = report(c)
    assert (row.state, row.forwarded_to, row.forward_error) == ("forwarded", ["email"], None)
    assert row.forwarded_at is not None and row.attempts == 1 and row.locale == "en"
    with c.session() as s:
        box = s.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "help@shop.example"))
    assert box is not None and "The lid is cracked" in box.text and "/admin/problems" in box.text


def test_the_report_is_stored_before_forwarding_and_forwarded_by_a_worker(
    sqlite_container, redis_client, redis_url, http_stub
):
    shop = add_shop(sqlite_container)
    with_webhook(sqlite_container, shop, http_stub.url_for("/hook"))
    order_id = push(sqlite_container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["uk"])
    c = bootstrap(sqlite_container.settings, queue=RqQueue(redis_url))  # a web process on rq
    http_stub.route("POST", "/hook", status=200)
    worker = worker_for(Jobs(c).run, redis_client, c.queue.queue)
    client = create_app(container=c).test_client()
    sent = client.post(
        track_path(c, shop.shop.id, order_id) + "/problem",
        data={"kind": "damaged", "message": "Кришка тріснула"},
    )
    assert sent.status_code == 303
    assert report(c).state == "pending" and http_stub.requests == []  # stored, not yet sent
    assert c.queue.queue.count == 1
    worker.work(burst=True)
    (req,) = http_stub.wait_for(1)
    assert req.json()["data"]["report_id"] == report(c).id
    assert req.headers["webhook-id"] == f"problem-{report(c).id}"
    assert report(c).state == "forwarded"
    worker.work(burst=True)  # a second run of the same job sends nothing more
    Jobs(c).forward_problem(report(c).id)
    assert len(http_stub.requests) == 1
    c.queue.redis.close()


def test_a_failing_webhook_is_retried_with_backoff_then_forwarded(container, client, http_stub):
    http_stub.route("POST", "/hook", responses=[503, 503, 200])
    shop = add_shop(container)
    with_webhook(container, shop, http_stub.url_for("/hook"))
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    http_stub.clear()
    http_stub.route("POST", "/hook", responses=[503, 503, 200])
    client.post(
        track_path(container, shop.shop.id, order_id) + "/problem",
        data={"kind": "other", "message": "Please call me"},
    )
    row = report(container)
    assert (row.state, row.attempts) == ("retry", 1) and "503" in row.forward_error
    assert row.not_before >= utcnow() + timedelta(seconds=25)  # the first backoff, 30 s
    assert relay_tick(container).problem_reports == 0  # not due yet
    wait_out_the_backoff(container)
    assert relay_tick(container).problem_reports == 1  # inline: attempt 2, 503 again
    row = report(container)
    assert (row.state, row.attempts) == ("retry", 2)
    assert row.not_before >= utcnow() + timedelta(seconds=100)  # the second backoff, 2 min
    wait_out_the_backoff(container)
    relay_tick(container)
    row = report(container)
    assert (row.state, row.attempts, row.forward_error) == ("forwarded", 3, None)
    assert len(http_stub.requests) == 3


def test_a_report_that_cannot_be_forwarded_ends_failed_with_its_error(container, client, http_stub):
    http_stub.route("POST", "/hook", status=503)
    shop = add_shop(container)
    with_webhook(container, shop, http_stub.url_for("/hook"))
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    client.post(
        track_path(container, shop.shop.id, order_id) + "/problem",
        data={"kind": "other", "message": "Please call me"},
    )
    for _ in range(container.settings.max_attempts - 1):
        wait_out_the_backoff(container)
        relay_tick(container)
    row = report(container)
    assert row.state == "failed" and row.attempts == container.settings.max_attempts
    assert row.forward_error.startswith("gave up after 5 attempts: webhook:")
    assert relay_tick(container, utcnow() + timedelta(days=1)).problem_reports == 0


def test_a_shop_with_nowhere_to_forward_keeps_the_report_in_its_inbox(container, client):
    shop = add_shop(container)
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    sent = client.post(
        track_path(container, shop.shop.id, order_id) + "/problem",
        data={"kind": "other", "message": "Where is it?"},
    )
    assert sent.status_code == 303
    row = report(container)
    assert row.state == "failed" and "nowhere to forward" in row.forward_error


def test_a_vanished_forwarding_worker_is_released_and_retried(container, client, http_stub):
    http_stub.route("POST", "/hook", status=200)
    shop = add_shop(container)
    with_webhook(container, shop, http_stub.url_for("/hook"))
    order_id = push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    with container.session() as s:
        order = s.get(Order, order_id)
        row = report_problem(s, order, "other", "hello")
        row.state, row.claim, row.claimed_at = "sending", "gone", utcnow()
        s.commit()
    later = utcnow() + timedelta(seconds=container.settings.send_lease_seconds + 60)
    relay_tick(container, later)
    assert report(container).state == "forwarded"
