"""A broken store link is emailed to the merchant once, in their language, and once when mended.

Real SMTP (aiosmtpd), the stand-in WooCommerce REST API, the real webhook route, and a
frozen clock moved by hand: Wismo's calls refused with 401 (revoked keys), deliveries
whose signature keeps failing, and WooCommerce turning Wismo's webhooks off.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from adapters.woocommerce.connect import store_keys, sync_webhooks
from core.services.link import link_report, link_state
from core.services.staff import add_staff
from core.storage.models import Shop
from tests.conftest import add_shop, make_container
from tests.support.ticks import link_alert_tick, reconcile_tick
from webapp import create_app

from .wc import delivery, order
from .wc_store import CK, CS, WooStore

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROUND = timedelta(minutes=11)  # a little over the reconciliation interval


@pytest.fixture
def mailing(database_url, smtp_server):
    c = make_container(database_url, smtp_url=smtp_server.url + "?from=wismo@example.com")
    yield c
    c.engine.dispose()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def store(http_stub):
    return WooStore(http_stub)


@pytest.fixture
def woo(mailing, store, clock):
    new = add_shop(mailing, platform="woocommerce", name="Чайна крамниця", locale="uk")
    with mailing.session() as s:
        shop = s.get(Shop, new.shop.id)
        store_keys(mailing, shop, store.url, CK, CS)
        sync_webhooks(mailing, shop)
        add_staff(s, shop, "owner@kettle.example", "owner").locale = "uk"
        add_staff(s, shop, "agent@kettle.example", "agent")
        s.commit()
    return new


def rounds(c, clock, n: int) -> int:
    """`n` scheduler rounds, 11 minutes apart: reconciliation, then the link emails."""
    sent = 0
    for _ in range(n):
        clock.shift(ROUND)
        reconcile_tick(c)
        sent += link_alert_tick(c)
    return sent


def body_of(mail) -> str:
    return mail.message.get_body(("plain",)).get_content()


def test_revoked_keys_email_the_owner_once_in_ukrainian_and_once_when_mended(
    mailing, woo, store, smtp_server, clock
):
    with mailing.session() as s:  # the merchant revoked Wismo's key in WooCommerce
        store_keys(mailing, s.get(Shop, woo.shop.id), store.url, CK, "cs_revoked")
        s.commit()

    assert rounds(mailing, clock, 1) == 0  # one failed round is a blip, not a broken link
    assert rounds(mailing, clock, 1) == 1
    (broken,) = smtp_server.wait_for(1)
    assert broken.rcpt_tos == ["owner@kettle.example"]  # the owner, not the support agent
    assert broken.message["Subject"] == "Wismo втратив зв'язок із Чайна крамниця"
    text = body_of(broken)
    assert "401" in text and "кнопку перевірки підключення" in text
    assert "http://wismo.test/admin/" in text

    assert rounds(mailing, clock, 6) == 0  # an hour more of 401s: no second email
    with mailing.session() as s:
        shop = s.get(Shop, woo.shop.id)
        assert link_state(shop)["alert"]["reason"] == "calls"
        emailed = link_report(s, shop)["merchant_alerted_at"]  # shown in Wismo's admin
        assert emailed == (START + 2 * ROUND).isoformat()
        store_keys(mailing, shop, store.url, CK, CS)  # a new key, pasted and accepted
        s.commit()

    assert rounds(mailing, clock, 1) == 1
    _, mended = smtp_server.wait_for(2)
    assert mended.message["Subject"] == "Зв'язок між Чайна крамниця і Wismo знову працює"
    assert rounds(mailing, clock, 3) == 0
    assert len(smtp_server.messages) == 2


def test_deliveries_refused_again_and_again_email_the_count_until_a_good_one_arrives(
    mailing, woo, smtp_server, clock
):
    with mailing.session() as s:
        add_staff(s, s.get(Shop, woo.shop.id), "second@kettle.example", "owner").locale = "en"
        add_staff(s, s.get(Shop, woo.shop.id), "third@kettle.example", "owner")  # the shop's
        s.commit()
    client = create_app(container=mailing).test_client()
    url = f"/webhooks/woocommerce/{woo.shop.key}"

    def post(secret: str, status: str = "processing") -> int:
        raw, headers = delivery(order(status), secret)
        return client.post(url, data=raw, headers=headers).status_code

    assert [post("wc_an_old_secret") for _ in range(2)] == [401, 401]
    assert link_alert_tick(mailing) == 0  # two refusals: not yet
    assert post("wc_an_old_secret") == 401
    assert link_alert_tick(mailing) == 3  # each owner, each in their language
    mails = {m.rcpt_tos[0]: m for m in smtp_server.wait_for(3)}
    english = body_of(mails["second@kettle.example"])
    assert "Wismo turned away 3 updates from your store" in english
    assert "Wismo відхилив 3 оновлення" in body_of(mails["owner@kettle.example"])
    assert "Wismo відхилив 3 оновлення" in body_of(mails["third@kettle.example"])

    assert post("wc_an_old_secret") == 401
    clock.shift(ROUND)
    assert link_alert_tick(mailing) == 0

    assert post(woo.webhook_secret) == 200  # the right secret saved in the plugin again
    assert link_alert_tick(mailing) == 3
    to_staff = [m for m in smtp_server.wait_for(7) if "@kettle.example" in m.rcpt_tos[0]]
    subjects = {m.message["Subject"] for m in to_staff[3:]}
    assert "The link between Чайна крамниця and Wismo works again" in subjects


def test_webhooks_woocommerce_turned_off_are_emailed_and_mended_by_the_next_delivery(
    mailing, woo, store, smtp_server, clock
):
    client = create_app(container=mailing).test_client()
    for hook in store.webhooks.values():  # WooCommerce gave up after failed deliveries
        hook["status"] = "disabled"

    assert rounds(mailing, clock, 1) == 1
    (mail,) = smtp_server.wait_for(1)
    assert "вимкнув вебхуки Wismo" in body_of(mail)
    assert rounds(mailing, clock, 2) == 0  # re-created; still nothing delivered: no repeat

    raw, headers = delivery(order("processing"), woo.webhook_secret)
    url = f"/webhooks/woocommerce/{woo.shop.key}"
    assert client.post(url, data=raw, headers=headers).status_code == 200
    assert link_alert_tick(mailing) == 1
    to_owner = [m for m in smtp_server.wait_for(3) if m.rcpt_tos == ["owner@kettle.example"]]
    assert "знову працює" in to_owner[-1].message["Subject"] and len(to_owner) == 2


def test_an_email_that_could_not_be_sent_is_tried_again_ten_minutes_later(
    mailing, woo, store, smtp_server, clock
):
    with mailing.session() as s:
        store_keys(mailing, s.get(Shop, woo.shop.id), store.url, CK, "cs_revoked")
        s.commit()
    smtp_server.fail("rcpt", "550 5.1.1 mailbox unavailable", times=1)
    assert rounds(mailing, clock, 2) == 0
    with mailing.session() as s:
        state = link_state(s.get(Shop, woo.shop.id))
        assert "alert" not in state and "mailbox unavailable" in state["alert_error"]
    clock.shift(timedelta(minutes=5))
    assert link_alert_tick(mailing) == 0  # waits its ten minutes
    clock.shift(timedelta(minutes=6))
    assert link_alert_tick(mailing) == 1
    assert smtp_server.wait_for(1)[0].rcpt_tos == ["owner@kettle.example"]
