"""POST /webhooks/opencart/<shop_key>: signed, forged, replayed, duplicated and bad pushes."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from core.services.shops import update_settings
from core.storage.models import Notification, Order, OrderEvent, OutboxMessage, Shop
from tests.conftest import add_shop
from webapp.app import create_app

from .helpers import push_body, signed


@pytest.fixture
def oc_shop(container):
    return add_shop(container, platform="opencart", name="Чайники", locale="en")


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


def post(client, shop, body, **kw):
    raw, headers = signed(kw.pop("secret", shop.webhook_secret), body, **kw)
    return client.post(f"/webhooks/opencart/{shop.shop.key}", data=raw, headers=headers)


def notes(c):
    with c.session() as s:
        return [tuple(r) for r in s.execute(select(Notification.status, Notification.state))]


def test_a_signed_push_sends_the_shipped_email_in_the_shoppers_language(client, container, oc_shop):
    r = post(client, oc_shop, push_body())
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.json == {"accepted": 1, "duplicates": 0}
    assert notes(container) == [("placed", "sent"), ("shipped", "sent")]  # first news: confirmed
    with container.session() as s:
        out = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1)).one()
        order = s.scalars(select(Order)).one()
    assert out.recipient == "olena@example.com" and out.meta["locale"] == "uk"
    assert "20450000000000" in out.text  # read from the comment "ТТН 2045..."
    assert order.external_id == "42"


def test_a_forged_push_is_401_and_stores_nothing(client, container, oc_shop):
    r = post(client, oc_shop, push_body(), secret="whsec_" + "QUFB" * 8)
    assert r.status_code == 401
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(OrderEvent)) == 0


def test_a_replayed_push_with_an_old_timestamp_is_401(client, container, oc_shop):
    r = post(client, oc_shop, push_body(), timestamp=int(time.time()) - 301)
    assert r.status_code == 401
    assert notes(container) == []


def test_a_tampered_body_is_401(client, oc_shop):
    raw, headers = signed(oc_shop.webhook_secret, push_body())
    r = client.post(
        f"/webhooks/opencart/{oc_shop.shop.key}",
        data=raw.replace(b"1250", b"1", 1),
        headers=headers,
    )
    assert r.status_code == 401


def test_the_same_push_twice_is_a_200_duplicate_and_one_message(client, container, oc_shop):
    assert post(client, oc_shop, push_body(), msg_id="msg_dup").json["accepted"] == 1
    again = post(client, oc_shop, push_body(), msg_id="msg_dup")
    assert again.status_code == 200 and again.json == {"accepted": 0, "duplicates": 1}
    assert notes(container) == [("placed", "sent"), ("shipped", "sent")]  # first news: confirmed


def test_the_test_connection_ping_is_200_with_nothing_stored(client, container, oc_shop):
    r = post(client, oc_shop, {"event": "ping", "module": "1.0.0"})
    assert r.status_code == 200 and r.json == {"accepted": 0, "duplicates": 0}


@pytest.mark.parametrize(
    ("body", "reason"),
    [({"event": "order.status_changed"}, "order"), ({"order": {"id": "42"}}, "order.status_id")],
)
def test_a_malformed_push_is_400_with_the_reason(client, oc_shop, body, reason):
    r = post(client, oc_shop, body)
    assert r.status_code == 400 and reason in r.get_data(as_text=True)


def test_another_shops_secret_does_not_open_this_shop(client, container, oc_shop):
    other = add_shop(container, platform="opencart", name="Other")
    assert post(client, oc_shop, push_body(), secret=other.webhook_secret).status_code == 401


def test_a_merchant_defined_status_mapped_in_wismo_sends_its_message(client, container, oc_shop):
    with container.session() as s:
        update_settings(
            s.get(Shop, oc_shop.shop.id), opencart={"status_map": {"17": "ready_for_pickup"}}
        )
        s.commit()
    r = post(client, oc_shop, push_body(status_id=17, status="At the parcel locker"))
    assert r.status_code == 200
    assert notes(container) == [("placed", "sent"), ("ready_for_pickup", "sent")]


def test_an_unmapped_custom_status_updates_the_order_and_writes_to_nobody(
    client, container, oc_shop
):
    r = post(client, oc_shop, push_body(status_id=21, status="Gift wrapped", comment=""))
    assert r.status_code == 200 and r.json["accepted"] == 1
    assert notes(container) == []
    with container.session() as s:
        assert s.scalars(select(Order)).one().external_id == "42"


def test_the_modules_own_mapping_is_used_for_a_custom_status(client, container, oc_shop):
    post(client, oc_shop, push_body(status_id=18, status="Доставлено", wismo_status="delivered"))
    assert notes(container) == [("placed", "sent"), ("delivered", "sent")]


def test_a_tracking_number_saved_on_the_order_page_updates_without_a_message(
    client, container, oc_shop
):
    post(client, oc_shop, push_body(), msg_id="msg_shipped")
    facts = push_body(facts_only=True, comment="", tracking_number="RR123456789UA")
    assert post(client, oc_shop, facts, msg_id="msg_facts").json["accepted"] == 1
    assert notes(container) == [("placed", "sent"), ("shipped", "sent")]  # first news: confirmed


@pytest.mark.parametrize(
    ("code", "locale"), [("en-gb", "en"), ("ru-ru", "ru"), ("uk-ua", "uk"), ("", None)]
)
def test_opencart_language_codes_become_wismo_locales(code, locale):
    from adapters.opencart.webhooks import locale_of

    assert locale_of(code) == locale


def test_a_staff_only_comment_never_reaches_the_shopper(client, container, oc_shop):
    body = push_body(status_id=7, status="Canceled", comment="fraud suspected", notify=False)
    assert post(client, oc_shop, body).status_code == 200
    with container.session() as s:
        out = s.scalars(select(OutboxMessage)).one()
        order = s.scalars(select(Order)).one()
    assert order.status == "cancelled" and order.reason is None
    assert "fraud" not in out.text and "fraud" not in (out.html or "")


def test_the_reason_the_module_sends_is_the_cancellation_reason(client, container, oc_shop):
    body = push_body(
        status_id=7, status="Canceled", comment="Out of stock", reason="Out of stock", notify=True
    )
    assert post(client, oc_shop, body).status_code == 200
    with container.session() as s:
        assert s.scalars(select(Order)).one().reason == "Out of stock"
        assert "Out of stock" in s.scalars(select(OutboxMessage)).one().text


def test_the_carrier_chosen_in_the_module_gives_the_shopper_a_tracking_link(
    client, container, oc_shop
):
    body = push_body(tracking_number="20450000000123", tracking_carrier="Nova Poshta", comment="")
    assert post(client, oc_shop, body).status_code == 200
    with container.session() as s:
        texts = [m.text for m in s.scalars(select(OutboxMessage))]
    # the order's first news also brings its late confirmation: the shipping message has the link
    assert len(texts) == 2
    assert any("novaposhta.ua/tracking/?cargo_number=20450000000123" in t for t in texts)


def test_the_shipped_email_lists_the_items_delivery_and_total_and_the_order_keeps_its_own_time(
    client, container, oc_shop
):
    totals = [
        {"code": "sub_total", "title": "Sub-Total", "value": "1180.00"},
        {"code": "shipping", "title": "Нова Пошта", "value": "70.00"},
        {"code": "total", "title": "Total", "value": "1250.00"},
    ]
    body = push_body(totals=totals, date_added="2026-11-21T18:30:00+02:00")
    assert post(client, oc_shop, body).status_code == 200
    with container.session() as s:
        order = s.scalars(select(Order)).one()
        sent = {m.meta.get("status"): m for m in s.scalars(select(OutboxMessage))}
    out = sent["shipped"]  # beside the late confirmation
    assert order.shipping_total == "70.00"
    assert order.placed_at is not None
    assert order.placed_at.replace(tzinfo=None).isoformat() == "2026-11-21T16:30:00"  # UTC
    assert "Чайник × 1" in out.text
    assert "Доставка: 70,00" in out.text and "Разом: 1250,00" in out.text.replace("\xa0", "")
