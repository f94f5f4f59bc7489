"""The merchant's daily digest: after 08:00 in the shop's zone, once a day, in the merchant's
language, through real SMTP; nothing when nothing needs attention."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.domain.events import CustomerInfo, OrderEventIn
from core.domain.statuses import Status
from core.services.care import care_tick
from core.services.digest import digest_tick
from core.services.ingest import ingest
from tests.conftest import add_shop, make_container

T0 = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 07:00 in Kyiv


@pytest.fixture
def mailing(database_url, smtp_server):
    c = make_container(database_url, smtp_url=smtp_server.url + "?from=wismo@example.com")
    yield c
    c.engine.dispose()


def test_the_digest_lists_late_orders_once_a_day_in_the_merchants_language(
    mailing, smtp_server, time_machine
):
    shop = add_shop(
        mailing,
        locale="uk",
        timezone="Europe/Kyiv",
        name="Чай",
        problem_reports={"email": "owner@shop.example"},
        policy={"matrix": {"delayed": {"email": False}}},
    ).shop
    time_machine.move_to(T0, tick=False)
    assert digest_tick(mailing.sessions, mailing.providers, "https://w.example", now=T0) == 0
    ev = OrderEventIn(
        event_key="s",
        source="test",
        order_id="1001",
        number="#1001",
        occurred_at=T0 - timedelta(days=4),
        status=Status.SHIPPED,
        customer=CustomerInfo(email="a@example.com"),
        estimated_delivery=date(2026, 11, 28),
    )
    with mailing.session() as s:
        ingest(s, mailing.queue, shop.id, [ev], now=T0 - timedelta(days=4))
    care_tick(mailing.sessions, mailing.queue, now=T0)
    before = T0 + timedelta(minutes=59)  # 07:59 in Kyiv
    assert digest_tick(mailing.sessions, mailing.providers, "https://w.example", now=before) == 0
    at = T0 + timedelta(hours=1)
    assert digest_tick(mailing.sessions, mailing.providers, "https://w.example", now=at) == 1
    assert digest_tick(mailing.sessions, mailing.providers, "https://w.example", now=at) == 0
    (mail,) = [m.message for m in smtp_server.messages if m.rcpt_tos == ["owner@shop.example"]]
    assert mail["Subject"] == "Чай: 1 замовлення потребує уваги"
    body = mail.get_body(("plain",)).get_content()
    assert "Запізнюються: минула очікувана дата доставки (1)" in body and "#1001" in body
    assert "https://w.example/admin/care" in body


def test_no_digest_is_sent_when_nothing_needs_attention(mailing, smtp_server, time_machine):
    add_shop(mailing, problem_reports={"email": "owner@shop.example"})
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    time_machine.move_to(at, tick=False)
    assert digest_tick(mailing.sessions, mailing.providers, "https://w.example", now=at) == 0
    assert smtp_server.messages == []
