"""End to end: a WooCommerce order shipped with Nova Poshta, followed to the shopper's door.

The order is marked completed with a waybill; the follower asks the Nova Poshta stand-in;
"arrived at the branch" sends the SMS with the branch and its last day, "received" sends
the "delivered, rate us" email; each once, however often the carrier is asked again.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.services.polling import poll_tick
from core.storage.models import Notification, Shop
from tests.adapters.woocommerce.wc import delivery, order, tracking_item, tracking_meta
from tests.conftest import make_container
from tests.support.channels import TWILIO_PATH, shop_with, twilio_provider
from tests.support.novaposhta import API_KEY, NovaPoshtaStandIn, record
from webapp import create_app

from .helpers import T0, FakeClock

WAYBILL = "20450000000777"


@pytest.fixture
def mailing(database_url, smtp_server):
    c = make_container(database_url, smtp_url=smtp_server.url + "?from=shop@example.com")
    yield c
    c.engine.dispose()


def woo_shop(c, np, stub):
    sms, sms_secret = twilio_provider(stub.url)
    new = shop_with(
        c,
        {"sms": [sms]},
        {"sms": [sms_secret]},
        matrix={
            "ready_for_pickup": {"sms": True, "email": False},
            "delivered": {"email": True},
        },
        platform="woocommerce",
        name="Чай і Чайник",
        carriers=[{"carrier": "novaposhta", "base_url": np.url}],
    )
    with c.session() as s, s.begin():
        shop = s.get(Shop, new.shop.id)
        sealed = c.box.open(shop.secrets)
        shop.secrets = c.box.seal({**sealed, "carriers": {"novaposhta": {"api_key": API_KEY}}})
    return new


def post(client, woo, body):
    raw, headers = delivery(body, woo.webhook_secret, delivery_id=str(id(body)))
    r = client.post(f"/webhooks/woocommerce/{woo.shop.key}", data=raw, headers=headers)
    assert r.status_code == 200, r.json


def sent(c, shop_id, status, channel):
    with c.session() as s:
        return s.scalars(
            select(Notification).where(
                Notification.shop_id == shop_id,
                Notification.status == status,
                Notification.channel == channel,
            )
        ).all()


def test_a_woocommerce_order_followed_at_nova_poshta_to_the_branch_and_delivered(
    mailing, http_stub, smtp_server, time_machine
):
    time_machine.move_to(T0, tick=False)
    np = NovaPoshtaStandIn(http_stub)
    http_stub.route("POST", TWILIO_PATH, status=201, json={"sid": "SM" + "b" * 32})
    woo = woo_shop(mailing, np, http_stub)
    client = create_app(container=mailing).test_client()
    shopper = {
        "billing": {**order()["billing"], "phone": "067 123 45 67"},
        "meta_data": [{"id": 1, "key": "_wismo_locale", "value": "uk"}],
    }
    post(client, woo, order("processing", **shopper))
    done = order(
        "completed",
        date_modified_gmt="2026-09-14T08:00:00",
        **{
            **shopper,
            "meta_data": [
                *shopper["meta_data"],
                tracking_meta(tracking_item(WAYBILL, "Nova Poshta")),
            ],
        },
    )
    post(client, woo, done)

    def tick(at):
        clock = FakeClock()
        return poll_tick(mailing, now=at, clock=clock, sleep=clock.sleep)

    np.records[WAYBILL] = record(WAYBILL, "5", scan="14.09.2026 12:00:00")
    tick(T0)
    np.records[WAYBILL] = record(
        WAYBILL, "7", scan="14.09.2026 18:00:00", DatePayedKeeping="21.09.2026 00:00:00"
    )
    tick(T0 + timedelta(hours=6))
    tick(T0 + timedelta(hours=7))  # asked again: the same scan, nothing new
    (sms,) = sent(mailing, woo.shop.id, "ready_for_pickup", "sms")
    assert sms.state == "sent", sms.last_error
    (request,) = http_stub.requests_to("POST", TWILIO_PATH)
    text = request.form()["Body"]
    assert "Відділення №12" in text and "до 20 вересня 2026" in text, text
    assert request.form()["To"] == "+380671234567"
    (call, *_) = np.tracking_calls()
    assert call.json()["methodProperties"]["Documents"] == [
        {"DocumentNumber": WAYBILL, "Phone": "380671234567"}
    ]

    np.records[WAYBILL] = record(WAYBILL, "9", scan="15.09.2026 10:00:00")
    tick(T0 + timedelta(hours=8))
    tick(T0 + timedelta(hours=14))
    tick(T0 + timedelta(days=2))
    (email,) = sent(mailing, woo.shop.id, "delivered", "email")
    assert email.state == "sent", email.last_error
    delivered = [m for m in smtp_server.messages if "доставлено" in m.message["Subject"].lower()]
    assert len(delivered) == 1
    body = delivered[0].message.get_body(("plain",)).get_content()
    assert "Оцінити замовлення" in body and "#feedback" in body
    assert len(sent(mailing, woo.shop.id, "ready_for_pickup", "sms")) == 1
    assert len(http_stub.requests_to("POST", TWILIO_PATH)) == 1
    assert np.problems == []
