"""Fair sending (issue 16 item 7): one shop's flood or slow template does not starve another
shop's confirmation. Measured by the order mails reach a real SMTP server through a real rq
worker, never by timing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.bootstrap import bootstrap
from core.domain.states import MessageState
from core.domain.statuses import Status
from core.jobs import Jobs
from core.queue_rq import RqQueue, worker_for
from core.settings import Settings
from core.storage.models import Base, Notification
from tests.conftest import TEST_SECRET, add_shop
from tests.support.channels import push
from webapp import create_app

pytestmark = pytest.mark.integration

FLOOD = 500
# shop A's merchant template works hard on every message, inside the render budget
SLOW = "{% for i in range(3000) %}{% endfor %}Order {{ order_number }} confirmed."


def event(n: int, tag: str) -> dict:
    return {
        "event_id": f"{tag}-{n}",
        "order": {
            "id": f"{tag}-{n}",
            "number": f"#{tag}{n}",
            "status": "placed",
            "occurred_at": "2026-11-22T10:00:00Z",
            "customer": {"name": "Emma Clarke", "email": f"{tag}{n}@example.com"},
            "items": [{"name": "Kettle", "quantity": 1, "price": "55.00"}],
            "total": "55.00",
            "currency": "EUR",
        },
    }


def test_a_flood_from_one_shop_does_not_hold_back_another_shops_confirmation(
    database_url, redis_client, redis_url, smtp_server
):
    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=TEST_SECRET,
        public_url="https://wismo.test",
        smtp_url=smtp_server.url + "?from=shop@example.com",
    )
    c = bootstrap(settings, queue=RqQueue(redis_url))
    Base.metadata.create_all(c.engine)
    try:
        flooding = add_shop(c, name="Flood", templates={"en/email/placed.txt.j2": SLOW})
        quiet = add_shop(c, name="Quiet")
        client = create_app(container=c).test_client()
        for n in range(FLOOD):
            r = client.post(
                "/api/v1/orders/events",
                json=event(n, "a"),
                headers={"Authorization": f"Bearer {flooding.api_key}"},
            )
            assert r.status_code == 202
        r = client.post(
            "/api/v1/orders/events",
            json=event(0, "b"),
            headers={"Authorization": f"Bearer {quiet.api_key}"},
        )
        assert r.status_code == 202
        worker = worker_for(Jobs(c).run, redis_client, settings.queue_name)
        # the events first: 500 of shop A's sends are queued before shop B's one
        worker.work(burst=True, max_jobs=FLOOD + 1)
        with c.session() as s:
            due = s.scalar(select(func.count()).select_from(Notification))
        assert due == FLOOD + 1
        assert c.queue.depth() == FLOOD + 1
        # three turns at sending: shop B's confirmation is among them, not the 501st
        worker.work(burst=True, max_jobs=3)
        sent = [m.message["To"] for m in smtp_server.wait_for(3, timeout=30)]
        assert "b0@example.com" in sent[:2], sent
        assert sent.count("b0@example.com") == 1
        assert smtp_server.messages[0].message.get_body(("plain",)).get_content().strip() == (
            "Order #a0 confirmed."
        )
    finally:
        c.engine.dispose()


def test_a_template_over_its_budget_at_send_time_is_a_dead_letter_and_sending_goes_on(
    container,
):
    """A template stored before the budget existed fails its message with the reason, shown
    in the message log; the job ends, and the next shop's message goes out."""
    runaway = "{% for i in range(99999) %}{% for j in range(900) %}{% endfor %}{% endfor %}"
    bad = add_shop(container, templates={"uk/email/placed.txt.j2": runaway})
    good = add_shop(container)
    for new in (bad, good):
        push(container, new.shop.id, f"k{new.shop.id}", Status.PLACED)
    with container.session() as s:
        notes = {n.shop_id: n for n in s.scalars(select(Notification)).all()}
    assert notes[bad.shop.id].state == MessageState.DEAD
    # operations or wall time, whichever a loaded machine reaches first
    assert "this template does too much work: " in (notes[bad.shop.id].last_error or "")
    assert "uk/email/placed.txt.j2, line 1" in (notes[bad.shop.id].last_error or "")
    assert notes[good.shop.id].state == MessageState.SENT
