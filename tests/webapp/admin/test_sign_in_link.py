"""The sign-in link form (issue 16 item 8): the same work for any address, and limited.

Real Redis: the request queues one rq job either way and sends nothing itself; an rq
worker then sends exactly one link, to the known address. The limits count in Redis.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.bootstrap import Container, bootstrap
from core.jobs import Jobs
from core.queue_rq import RqQueue, worker_for
from core.settings import Settings
from core.storage.models import Base, OutboxMessage, StaffUser
from tests.conftest import TEST_SECRET, add_shop
from webapp import create_app

from .helpers import make_staff


@pytest.fixture
def stack(tmp_path, redis_url, redis_client):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'wismo.db'}",
        secret_key=TEST_SECRET,
        public_url="http://wismo.test",
        redis_url=redis_url,
    )
    queue = RqQueue(redis_url)
    c = bootstrap(settings, queue=queue)
    Base.metadata.create_all(c.engine)
    new = add_shop(c, name="Shop A")
    make_staff(c, new.shop.id, "owner@a.example", "owner")
    app = create_app(container=c)
    yield c, app, queue
    c.engine.dispose()


def ask(client, email: str, ip: str = "203.0.113.7"):
    page = client.get("/admin/sign-in", environ_base={"REMOTE_ADDR": ip}).text
    token = re.search(r'csrf-token" content="([^"]+)', page)[1]
    return client.post(
        "/admin/sign-in/link",
        data={"email": email, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )


def outbox(c: Container) -> list[OutboxMessage]:
    with c.session() as s:
        return list(s.scalars(select(OutboxMessage)))


def test_known_and_unknown_addresses_do_the_same_work_and_only_the_job_sends(stack):
    c, app, queue = stack
    client = app.test_client()
    known, unknown = ask(client, "Owner@A.example"), ask(client, "nobody@a.example")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert known.get_data() == unknown.get_data()
    # the request itself sent nothing: one queued job each, the same function
    jobs = [queue.queue.fetch_job(i) for i in queue.queue.job_ids]
    assert [j.func_name for j in jobs] == ["core.jobs.sign_in_link"] * 2
    with c.session() as s:
        owner_id = s.scalar(select(StaffUser.id).where(StaffUser.email == "owner@a.example"))
    assert [list(j.args)[:1] for j in jobs] == [[owner_id], [0]]
    assert outbox(c) == []
    worker_for(Jobs(c).run, queue.redis, queue.queue).work(burst=True)
    mails = outbox(c)
    assert [m.recipient for m in mails] == ["owner@a.example"]  # the unknown address got nothing
    link = re.search(r"http://wismo.test(/admin/sign-in/link/\S+)", mails[0].text)[1]
    assert client.get(link).status_code == 200  # the link from the job works


def test_sign_in_links_are_limited_per_address_and_per_ip(stack):
    c, app, _ = stack
    client = app.test_client()
    # per address, from several IPs, known or unknown alike: 3 per 15 minutes
    for address in ("owner@a.example", "nobody@a.example"):
        answers = [ask(client, address, ip=f"198.51.100.{n}").status_code for n in range(4)]
        assert answers == [302, 302, 302, 429], (address, answers)
    # per IP, over different addresses: 10 per 15 minutes
    answers = [ask(client, f"who{n}@x.example", ip="192.0.2.9").status_code for n in range(11)]
    assert answers == [302] * 10 + [429]
    page = ask(client, "another@x.example", ip="192.0.2.9")
    assert page.status_code == 429 and "Too many sign-in links" in page.text
