"""Real Redis, real `wismo worker` and `wismo scheduler` processes, a real SMTP server.

Covers the guarantees: an event in gives the right email out; killing a worker
mid-run loses nothing and duplicates at most one message per kill; stopping Redis
while events arrive loses nothing once it is back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.bootstrap import bootstrap
from core.queue_rq import RqQueue
from core.settings import Settings
from core.storage.models import Base, Notification, OrderEvent
from tests.conftest import TEST_SECRET, add_shop
from tests.support.clock import VARIABLE as CLOCK_VARIABLE
from tests.support.clock import python_command
from tests.support.servers import stop_process_groups
from webapp import create_app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def body(n: int, status: str = "placed", locale: str = "uk") -> dict:
    return {
        "event_id": f"evt-{n}-{status}",
        "order": {
            "id": str(1000 + n),
            "number": f"#{1000 + n}",
            "status": status,
            "occurred_at": f"2026-11-22T10:{n % 60:02d}:00Z",
            "customer": {
                "name": "Олена Петренко",
                "email": f"shopper{n}@example.com",
                "locale": locale,
            },
            "items": [{"name": "Чайник", "quantity": 1, "price": "1250.00"}],
            "total": "1250.00",
            "currency": "UAH",
        },
    }


class Stack:
    """The app in-process (like `wismo serve`) plus worker/scheduler subprocesses."""

    def __init__(self, database_url: str, redis_url: str, smtp_url: str, tmp: Path) -> None:
        self.env = {
            **os.environ,
            "WISMO_DATABASE_URL": database_url,
            "WISMO_REDIS_URL": redis_url,
            "WISMO_SMTP_URL": smtp_url + "?from=shop@example.com",
            "WISMO_SECRET_KEY": TEST_SECRET,
            "WISMO_PUBLIC_URL": "https://wismo.test",  # the processes refuse plain http
            "WISMO_SEND_LEASE_SECONDS": "3",
            "WISMO_RELAY_GRACE_SECONDS": "1",
            "PYTHONPATH": str(ROOT),
            CLOCK_VARIABLE: os.environ.get(CLOCK_VARIABLE, ""),
        }
        settings = Settings.from_env(self.env)
        self.container = bootstrap(settings, queue=RqQueue(redis_url))
        Base.metadata.create_all(self.container.engine)
        self.client = create_app(container=self.container).test_client()
        # these orders are days old: the care job's delay messages are not what is counted here
        self.shop = add_shop(self.container, care={"late": {"on": False}})
        self.tmp = tmp
        self.procs: list[subprocess.Popen] = []
        self.logs: list = []

    def spawn(self, *args: str) -> subprocess.Popen:
        log = open(self.tmp / f"{args[0]}-{len(self.procs)}.log", "w")  # noqa: SIM115
        self.logs.append(log)
        proc = subprocess.Popen(
            python_command("wismo.cli", *args),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def post(self, payload: dict) -> int:
        r = self.client.post(
            "/api/v1/orders/events",
            json=payload,
            headers={"Authorization": f"Bearer {self.shop.api_key}"},
        )
        return r.status_code

    def count(self, state: str) -> int:
        with self.container.session() as s:
            return s.scalar(select(func.count()).where(Notification.state == state)) or 0

    def wait_sent(self, n: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count("sent") >= n:
                return
            time.sleep(0.2)
        logs = "\n".join(p.read_text()[-2000:] for p in self.tmp.glob("*.log"))
        raise AssertionError(f"only {self.count('sent')} of {n} sent\n{logs}")

    def close(self) -> None:
        stop_process_groups(self.procs, timeout=10)
        for log in self.logs:
            log.close()
        self.container.engine.dispose()


@pytest.fixture
def stack(database_url, redis_client, redis_url, smtp_server, tmp_path):
    s = Stack(database_url, redis_url, smtp_server.url, tmp_path)
    yield s
    s.close()


def test_an_event_in_gives_the_right_email_out(stack, smtp_server):
    stack.spawn("worker")
    assert stack.post(body(1, "placed", "uk")) == 202
    (mail,) = smtp_server.wait_for(1, timeout=30)
    msg = mail.message
    assert msg["To"] == "shopper1@example.com"
    assert "#1001" in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Олено" in text  # Ukrainian, addressed in the vocative
    assert "1\u00a0250,00" in text and "Чайник" in html  # Babel: no-break space
    assert "https://wismo.test/track/" in text
    assert stack.post(body(1, "placed", "uk")) == 200  # a duplicate: no second email
    time.sleep(1.0)
    assert len(smtp_server.messages) == 1


def test_killing_a_worker_mid_run_loses_nothing(stack, smtp_server):
    total = 40
    for n in range(total):
        assert stack.post(body(n, "placed", ["en", "ru", "uk"][n % 3])) == 202
    worker = stack.spawn("worker")
    smtp_server.wait_for(3, timeout=30)
    os.killpg(worker.pid, signal.SIGKILL)  # mid-run, possibly mid-send
    worker.wait(10)
    stack.spawn("worker")
    stack.spawn("scheduler", "--interval", "1")  # releases the dead worker's claim
    stack.wait_sent(total, timeout=90)
    per_recipient = Counter(m.message["To"] for m in smtp_server.messages)
    assert len(per_recipient) == total  # every due message was sent
    assert sum(per_recipient.values()) - total <= 1  # at most one duplicate per kill


def test_redis_down_while_events_arrive_loses_nothing(
    database_url, redis_process, smtp_server, tmp_path
):
    redis = redis_process()
    stack = Stack(database_url, redis.url, smtp_server.url, tmp_path)
    try:
        stack.spawn("worker")
        for n in range(5):
            assert stack.post(body(n)) == 202
        redis.stop()
        for n in range(5, 15):
            assert stack.post(body(n)) == 202  # committed; the fast path is skipped
        redis.start()  # empty: whatever was queued is gone
        stack.spawn("worker")  # the first one may have died with Redis
        stack.spawn("scheduler", "--interval", "1")
        stack.wait_sent(15, timeout=90)
        assert len({m.message["To"] for m in smtp_server.messages}) == 15
    finally:
        stack.close()


def test_workers_outlive_a_redis_outage_busy_or_idle_and_the_relay_refills_an_empty_redis(
    database_url, redis_process, smtp_server, tmp_path
):
    """Issue 16 item 2: no worker exits, none is restarted by hand, nothing is lost."""
    redis = redis_process()
    redis.stop()
    stack = Stack(database_url, redis.url, smtp_server.url, tmp_path)
    try:
        early = stack.spawn("worker")  # started while Redis is down: it must wait, not exit 1
        time.sleep(2)
        assert early.poll() is None, "a worker started without Redis exited"
        redis.start()
        busy = stack.spawn("worker")
        stack.spawn("scheduler", "--interval", "1")
        total = 60
        for n in range(total // 2):
            assert stack.post(body(n, "placed", ["en", "ru", "uk"][n % 3])) == 202
        smtp_server.wait_for(3, timeout=30)
        redis.kill()  # under load, mid-batch; it comes back empty
        for n in range(total // 2, total):
            assert stack.post(body(n, "placed", ["en", "ru", "uk"][n % 3])) == 202
        time.sleep(3)
        assert early.poll() is None and busy.poll() is None, "a worker died with Redis"
        redis.start()
        stack.wait_sent(total, timeout=120)
        assert early.poll() is None and busy.poll() is None, "no worker is left dead"
        per_recipient = Counter(m.message["To"] for m in smtp_server.messages)
        assert len(per_recipient) == total  # every due message was sent
        assert sum(per_recipient.values()) - total <= 1  # at most one duplicate per crash
        with stack.container.session() as s:
            events = s.scalar(select(func.count()).select_from(OrderEvent)) or 0
            processed = (
                s.scalar(
                    select(func.count())
                    .select_from(OrderEvent)
                    .where(OrderEvent.processed_at.is_not(None))
                )
                or 0
            )
        assert events == processed == total  # accepted = processed (+ dead-lettered: none)
    finally:
        stack.close()
