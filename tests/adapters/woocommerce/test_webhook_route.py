"""POST /webhooks/woocommerce/<shop_key> end to end: signed deliveries make real emails."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.storage.models import Notification, Order
from tests.conftest import add_shop, make_container
from webapp import create_app

from .wc import delivery, order, tracking_item, tracking_meta


@pytest.fixture
def mailing_container(database_url, smtp_server):

    c = make_container(database_url, smtp_url=smtp_server.url + "?from=shop@example.com")
    yield c
    c.engine.dispose()


@pytest.fixture
def woo(mailing_container):
    return add_shop(mailing_container, platform="woocommerce", name="Kettle Store")


@pytest.fixture
def client(mailing_container):
    return create_app(container=mailing_container).test_client()


def post(client, woo, body, secret=None, **kw):
    raw, headers = delivery(body, secret or woo.webhook_secret, **kw)
    return client.post(f"/webhooks/woocommerce/{woo.shop.key}", data=raw, headers=headers)


def test_order_created_sends_the_confirmation_then_completed_sends_tracking(
    client, woo, smtp_server
):
    r = post(client, woo, order("processing"), topic="order.created")
    assert r.status_code == 200 and r.json == {"accepted": 2, "duplicates": 0}
    (confirmation,) = smtp_server.wait_for(1)
    assert confirmation.rcpt_tos == ["john.doe@example.com"]
    assert "727" in confirmation.message["Subject"]

    done = order(
        "completed",
        date_modified_gmt="2017-03-23T10:00:00",
        meta_data=[tracking_meta(tracking_item("9400111899223", "USPS"))],
    )
    assert post(client, woo, done).status_code == 200
    _, shipped = smtp_server.wait_for(2)
    text = shipped.message.get_body(("plain",)).get_content()
    assert "9400111899223" in text and "tools.usps.com" in text


def test_a_duplicated_delivery_is_200_and_sends_nothing_twice(
    client, woo, smtp_server, mailing_container
):
    assert post(client, woo, order("on-hold"), delivery_id="d1").json["accepted"] == 1
    r = post(client, woo, order("on-hold"), delivery_id="d2")  # WooCommerce re-sent it
    assert r.status_code == 200 and r.json == {"accepted": 0, "duplicates": 1}
    # order.updated right after order.created for the same change: the same event
    assert post(client, woo, order("on-hold"), webhook_id=13).json == {
        "accepted": 0,
        "duplicates": 1,
    }
    smtp_server.wait_for(1)
    with mailing_container.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 1
    assert len(smtp_server.messages) == 1


def test_forged_malformed_ping_deleted_and_draft(client, woo, mailing_container, smtp_server):
    assert post(client, woo, order(), secret="wc_guess").status_code == 401
    raw, headers = delivery(b"{not json", woo.webhook_secret)
    r = client.post(f"/webhooks/woocommerce/{woo.shop.key}", data=raw, headers=headers)
    assert r.status_code == 400 and "JSON" in r.json["error"]
    ping = client.post(
        f"/webhooks/woocommerce/{woo.shop.key}",
        data="webhook_id=101",
        content_type="application/x-www-form-urlencoded",
    )
    assert ping.status_code == 200
    assert post(client, woo, {"id": 727}, topic="order.deleted").status_code == 200
    assert post(client, woo, order("checkout-draft")).json == {"accepted": 0, "duplicates": 0}
    with mailing_container.session() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0
    assert smtp_server.messages == []
    other = client.post("/webhooks/woocommerce/nope", data="webhook_id=1")
    assert other.status_code == 404
