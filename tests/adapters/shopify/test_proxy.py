"""The storefront app proxy: signed requests only; the logged-in shopper's live timeline;
a lookup by number and email otherwise; Liquid-safe output."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode

import pytest

from tests.adapters.shopify.conftest import DOMAIN, SECRET, install
from tests.adapters.shopify.test_translate import new_order
from tests.adapters.shopify.test_webhook_route import fulfillment

pytestmark = pytest.mark.integration
CUSTOMER = {
    "id": 707070,
    "first_name": "Oksana",
    "last_name": "Moroz",
    "email": "oksana@example.com",
    "phone": None,
}


def proxy_query(params: dict[str, str], secret: str = SECRET) -> str:
    """The query Shopify forwards: params plus shop, path_prefix, timestamp and signature
    (hex HMAC-SHA256 of the sorted key=value pairs joined with nothing between them)."""
    full = {
        "shop": DOMAIN,
        "path_prefix": "/apps/wismo",
        "timestamp": str(int(time.time())),
        **params,
    }
    message = "".join(f"{k}={v}" for k, v in sorted(full.items()))
    signature = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return urlencode({**full, "signature": signature})


@pytest.fixture
def store(shopify_container, deliver):
    install(shopify_container)
    order = new_order(
        id=4242,
        name="#4242",
        email=CUSTOMER["email"],
        contact_email=CUSTOMER["email"],
        customer=dict(CUSTOMER),
        customer_locale="uk",
    )
    assert deliver("orders/create", order).status_code == 200
    f = fulfillment(8001, "20450011112222", tracking_company="Nova Poshta")
    f.update(order_id=4242, name="#4242.1", shipment_status="in_transit")
    assert deliver("fulfillments/create", f).status_code == 200
    return shopify_container


def test_logged_in_customer_sees_their_orders_live_timeline(store, client, deliver):
    r = client.get(f"/shopify/proxy?{proxy_query({'logged_in_customer_id': '707070'})}")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/liquid")
    html = r.get_data(as_text=True)
    assert "#4242" in html
    assert "Nova Poshta" in html and "20450011112222" in html
    assert 'data-status="in_transit"' in html
    assert "wismo-lookup" not in html  # no form for a signed-in shopper
    # live: the next carrier event shows on the next visit
    f = fulfillment(8001, "20450011112222", tracking_company="Nova Poshta")
    f.update(
        order_id=4242,
        name="#4242.1",
        shipment_status="delivered",
        updated_at="2022-01-06T10:00:00Z",
    )
    deliver("fulfillments/update", f)
    html = client.get(
        f"/shopify/proxy/orders?{proxy_query({'logged_in_customer_id': '707070'})}"
    ).get_data(as_text=True)
    assert 'data-status="delivered"' in html


def test_another_customer_sees_none_of_them(store, client):
    html = client.get(f"/shopify/proxy?{proxy_query({'logged_in_customer_id': '999'})}").get_data(
        as_text=True
    )
    assert "#4242" not in html


def test_without_login_the_lookup_needs_number_and_email(store, client):
    html = client.get(f"/shopify/proxy?{proxy_query({'logged_in_customer_id': ''})}").get_data(
        as_text=True
    )
    assert "wismo-lookup" in html and 'action="/apps/wismo"' in html
    found = client.get(
        "/shopify/proxy?"
        + proxy_query(
            {"logged_in_customer_id": "", "number": "4242", "email": "OKSANA@example.com"}
        )
    ).get_data(as_text=True)
    assert "20450011112222" in found
    wrong = client.get(
        "/shopify/proxy?"
        + proxy_query({"logged_in_customer_id": "", "number": "4242", "email": "x@example.com"})
    ).get_data(as_text=True)
    assert "20450011112222" not in wrong


def test_unsigned_forged_or_old_requests_get_401(store, client):
    assert (
        client.get("/shopify/proxy?logged_in_customer_id=707070&shop=" + DOMAIN).status_code == 401
    )
    forged = proxy_query(
        {"logged_in_customer_id": "707070"}, secret="not-the-app-secret-0123456789"
    )
    assert client.get(f"/shopify/proxy?{forged}").status_code == 401
    old = {"logged_in_customer_id": "707070", "timestamp": str(int(time.time()) - 3600)}
    assert client.get(f"/shopify/proxy?{proxy_query(old)}").status_code == 401


def test_shopper_text_cannot_become_liquid(store, client, deliver):
    order = new_order(
        id=4343,
        name="#4343",
        email=CUSTOMER["email"],
        customer=dict(CUSTOMER),
        customer_locale="en",
        line_items=[{"name": "{{ shop.secret }} {% render 'x' %}", "quantity": 1, "price": "1.00"}],
    )
    deliver("orders/create", order)
    html = client.get(
        f"/shopify/proxy?{proxy_query({'logged_in_customer_id': '707070'})}"
    ).get_data(as_text=True)
    assert "{" not in html and "}" not in html


def test_widget_config_signs_a_token_only_for_the_orders_owner(store, client):
    from core.storefront import verify_storefront_token

    own = client.get(
        "/shopify/proxy/widget-config?"
        + proxy_query({"logged_in_customer_id": "707070", "order_id": "4242", "locale": "uk"})
    )
    assert own.status_code == 200
    data = own.get_json()
    assert data["widget_url"] == "http://wismo.test/widget.js"
    assert data["locale"] == "uk"
    with store.session() as s:
        from core.storage.models import Shop

        shop = s.query(Shop).one()
        secret = store.box.open(shop.secrets)["webhook_secret"]
        assert data["shop"] == shop.key
    claim = verify_storefront_token(data["token"], [secret])
    assert (claim.shop_key, claim.order_id) == (data["shop"], "4242")

    stranger = client.get(
        "/shopify/proxy/widget-config?"
        + proxy_query({"logged_in_customer_id": "1", "order_id": "4242"})
    ).get_json()
    assert "token" not in stranger and stranger["shop"] == data["shop"]


def test_the_proxy_draws_the_carriers_scans_branch_hours_deadline_and_phone(
    store, client, http_stub
):
    """What the standalone tracking page shows of a followed parcel, inside the theme too."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from core.services.polling import poll_tick
    from core.storage.models import Shop
    from tests.carriers.helpers import FakeClock, connect_np
    from tests.support.novaposhta import NovaPoshtaStandIn, record

    np = NovaPoshtaStandIn(http_stub)
    with store.session() as s:
        shop_id = s.scalars(select(Shop.id).where(Shop.domain == DOMAIN)).one()
    connect_np(store, shop_id, np.url)
    np.records["20450011112222"] = record(
        "20450011112222", "7", DatePayedKeeping="21.09.2026 00:00:00"
    )
    clock = FakeClock()
    poll_tick(store, now=datetime.now(UTC), clock=clock, sleep=clock.sleep)
    assert np.problems == []

    r = client.get(f"/shopify/proxy?{proxy_query({'logged_in_customer_id': '707070'})}")
    html = r.get_data(as_text=True)
    assert 'data-status="ready_for_pickup"' in html
    assert "Пункт видачі" in html and "Відділення №12" in html
    assert "Години роботи: пн–пт 08:00–20:00, сб 09:00–18:00, нд зачинено" in html
    assert "Заберіть до <strong>20 вересня 2026" in html
    assert "Оновлення від перевізника" in html and "Прибув на відділення" in html
    assert 'href="tel:+380800500609"' in html
