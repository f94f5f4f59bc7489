"""Issue 14's "done when", per platform: a Shopify fulfillment, an OpenCart order and an
event-API `shipped`, each with a Nova Poshta waybill, are followed at the Nova Poshta
stand-in and reach in transit, the branch, the courier, a missed delivery and delivered
by the carrier's scans alone: each milestone once in the messages switched on, on the
tracking page and in the widget's JSON, however often the carrier is asked again.
(The WooCommerce journey is tests/carriers/test_end_to_end.py.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from core.services.polling import poll_tick
from core.storage.models import Notification, Shop
from tests.adapters.opencart.helpers import push_body, signed
from tests.adapters.shopify.conftest import Deliver, install, make_shopify_container
from tests.adapters.shopify.test_translate import new_order
from tests.adapters.shopify.test_webhook_route import fulfillment
from tests.conftest import add_shop
from tests.support.novaposhta import NovaPoshtaStandIn, record
from webapp import create_app

from .helpers import FakeClock, connect_np

pytestmark = pytest.mark.integration
WAYBILL = "20450000001414"
T0 = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 08:00 in Kyiv, after the first scan
MILESTONES = ("in_transit", "ready_for_pickup", "out_for_delivery", "attempted_delivery")
ALL = (*MILESTONES, "delivered")
# (Nova Poshta StatusCode, its scan time in Kyiv, when Wismo asks next)
SCANS = (
    ("5", "01.12.2026 07:30:00", T0),
    ("7", "01.12.2026 12:00:00", T0 + timedelta(hours=7)),
    ("101", "01.12.2026 16:00:00", T0 + timedelta(hours=9)),
    ("111", "01.12.2026 17:00:00", T0 + timedelta(hours=11)),
    ("9", "02.12.2026 10:00:00", T0 + timedelta(hours=27)),
)
POLICY = {
    "debounce_seconds": 0,
    "quiet_hours": ["00:00", "00:00"],
    "matrix": {status: {"email": True} for status in ALL},
}


@pytest.fixture
def world(database_url, http_stub, smtp_server, time_machine):
    time_machine.move_to(T0, tick=False)
    c = make_shopify_container(
        database_url, http_stub.url, smtp_url=smtp_server.url + "?from=shop@example.com"
    )
    yield c, NovaPoshtaStandIn(http_stub)
    c.engine.dispose()


def shopify(c, client, np):
    """orders/create, then fulfillments/create with the waybill and "Nova Poshta"."""
    shop_id = install(c, policy=POLICY, country="UA")
    connect_np(c, shop_id, np.url)
    deliver = Deliver(client)
    order = new_order(customer_locale="uk")
    assert deliver("orders/create", order).status_code == 200
    f = fulfillment(8101, WAYBILL, tracking_company="Nova Poshta", shipment_status=None)
    f.update(order_id=order["id"], tracking_url=None, tracking_urls=[])
    assert deliver("fulfillments/create", f).status_code == 200
    return shop_id, order["name"], order["email"]


def opencart(c, client, np):
    """An OpenCart order marked Shipped with the waybill in its tracking field."""
    new = add_shop(c, platform="opencart", policy=POLICY, country="UA")
    connect_np(c, new.shop.id, np.url)
    body = push_body(tracking_number=WAYBILL, occurred_at="2026-11-30T10:00:00+00:00")
    raw, headers = signed(new.webhook_secret, body)
    r = client.post(f"/webhooks/opencart/{new.shop.key}", data=raw, headers=headers)
    assert r.status_code in (200, 202), r.get_json()
    return new.shop.id, "42", "olena@example.com"


def event_api(c, client, np):
    """POST /api/v1/orders/events: `shipped` with `carrier` and `tracking_number`."""
    new = add_shop(c, policy=POLICY, country="UA")
    connect_np(c, new.shop.id, np.url)
    body = {
        "event_id": "erp-1414",
        "order": {
            "id": "1414",
            "number": "#1414",
            "status": "shipped",
            "occurred_at": "2026-11-30T10:00:00Z",
            "customer": {
                "name": "Олена Петренко",
                "email": "olena@example.com",
                "phone": "+380501234567",
                "locale": "uk",
                "timezone": "Europe/Kyiv",
            },
            "items": [{"name": "Чайник", "quantity": 1, "price": "1250.00"}],
            "total": "1250.00",
            "currency": "UAH",
            "shipment": {"id": "s1", "carrier": "Nova Poshta", "tracking_number": WAYBILL},
        },
    }
    headers = {"Authorization": f"Bearer {new.api_key}"}
    r = client.post("/api/v1/orders/events", json=body, headers=headers)
    assert r.status_code == 202, r.get_json()
    return new.shop.id, "#1414", "olena@example.com"


def emails(c, shop_id):
    with c.session() as s:
        return [
            (n.status, n.state, n.last_error)
            for n in s.scalars(
                select(Notification).where(
                    Notification.shop_id == shop_id, Notification.channel == "email"
                )
            )
            if n.status in ALL
        ]


@pytest.mark.parametrize("platform", [shopify, opencart, event_api], ids=lambda f: f.__name__)
def test_every_milestone_comes_from_the_carriers_scans_alone(world, platform):
    c, np = world
    client = create_app(container=c).test_client()
    shop_id, number, email = platform(c, client, np)

    def widget():
        r = client.post(
            "/api/v1/widget/lookup",
            json={"shop": shop_key(c, shop_id), "number": number, "contact": email},
        )
        assert r.status_code == 200, r.get_json()
        return r.get_json()

    for code, scan, at in SCANS:
        fields = {"DatePayedKeeping": "08.12.2026 00:00:00"} if code == "7" else {}
        np.records[WAYBILL] = record(WAYBILL, code, scan=scan, **fields)
        clock = FakeClock()
        poll_tick(c, now=at, clock=clock, sleep=clock.sleep)
        clock = FakeClock()  # asked again within the hour: the same scan, nothing new
        poll_tick(c, now=at + timedelta(minutes=59), clock=clock, sleep=clock.sleep)
        if code == "7":  # at the branch: the widget says where, until when, and its hours
            (parcel,) = widget()["shipments"]
            point = parcel["pickup_point"]
            assert point["keep_until"] == "2026-12-07"
            assert point["keep_until_text"] == "Заберіть до 7 груд."
            assert point["hours"] == "пн–пт 08:00–20:00, сб 09:00–18:00, нд зачинено"

    for later in (timedelta(hours=30), timedelta(days=3)):
        clock = FakeClock()
        poll_tick(c, now=T0 + later, clock=clock, sleep=clock.sleep)

    sent = emails(c, shop_id)
    assert sorted(s for s, _, _ in sent) == sorted(ALL), sent  # each milestone once
    assert all(state == "sent" for _, state, _ in sent), sent
    assert np.problems == []
    assert all(
        call.json()["methodProperties"]["Documents"][0]["DocumentNumber"] == WAYBILL
        for call in np.tracking_calls()
    )

    data = widget()
    assert data["status"] == "delivered"
    timeline = [e["status"] for e in data["timeline"]]
    assert set(ALL) <= set(timeline), timeline
    (parcel,) = data["shipments"]
    assert len(parcel["scans"]) == 3 and parcel["scans"][0]["status"] == "delivered"

    page = client.get(urlsplit(data["tracking_url"]).path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for words in ("Прибув на відділення", "На шляху до одержувача", "Відправлення отримано"):
        assert words in html
    assert "Невдала спроба доставки" in html  # folded under "All 5 updates", still there
    assert "+380800500609" in html  # the carrier's phone, from its card


def shop_key(c, shop_id):
    with c.session() as s:
        return s.get_one(Shop, shop_id).key
