"""Webhook registration, re-creation and reconciliation against a stand-in WooCommerce REST API."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from adapters.woocommerce.api import WooApiError
from adapters.woocommerce.connect import store_keys, sync_webhooks, woo_state
from core.storage.models import Notification, Order, OrderEvent, Shop
from tests.conftest import add_shop
from tests.support.ticks import reconcile_tick
from wismo.backfill import run_backfill

from .wc import order
from .wc_store import BASE, CK, CS, WooStore


@pytest.fixture
def store(http_stub):
    return WooStore(http_stub)


@pytest.fixture
def woo_shop(container, store):
    new = add_shop(container, platform="woocommerce", name="Woo Shop")
    with container.session() as s:
        shop = s.get(Shop, new.shop.id)
        store_keys(container, shop, store.url + "/", CK, CS)
        s.commit()
    return new


def shop_of(c, new):
    s = c.session()
    return s, s.get(Shop, new.shop.id)


def test_connecting_registers_four_signed_webhooks(container, store, woo_shop, http_stub):
    s, shop = shop_of(container, woo_shop)
    assert sync_webhooks(container, shop) == []
    s.commit()
    posts = http_stub.requests_to("POST", f"{BASE}/webhooks")
    assert [p.json()["topic"] for p in posts] == [
        "order.created",
        "order.updated",
        "order.deleted",
        "order.restored",
    ]
    body = posts[0].json()
    secret = container.box.open(shop.secrets)["wc_webhook_secret"]
    assert body == {
        "name": "Wismo order.created",
        "topic": "order.created",
        "delivery_url": f"http://wismo.test/webhooks/woocommerce/{shop.key}",
        "secret": secret,
        "status": "active",
    }
    assert secret.startswith("wc_") and secret != woo_shop.webhook_secret
    assert posts[0].headers["content-type"].startswith("application/json")
    assert "authorization" not in posts[0].headers  # plain http: OAuth 1.0a in the query
    assert woo_state(shop)["webhooks"] == {
        "order.created": 101,
        "order.updated": 102,
        "order.deleted": 103,
        "order.restored": 104,
    }
    s.close()


def test_a_disabled_webhook_is_recreated_and_the_old_one_removed(container, store, woo_shop):
    s, shop = shop_of(container, woo_shop)
    sync_webhooks(container, shop)
    store.webhooks[102]["status"] = "disabled"  # WooCommerce gave up after failed deliveries
    del store.webhooks[104]  # and someone deleted this one in wp-admin
    assert sync_webhooks(container, shop) == ["order.updated", "order.restored"]
    assert sorted(store.webhooks) == [101, 103, 105, 106]
    assert all(h["status"] == "active" for h in store.webhooks.values())
    assert woo_state(shop)["webhooks"]["order.updated"] == 105
    s.close()


def test_wrong_keys_are_reported_with_the_reason(container, store, woo_shop):
    s, shop = shop_of(container, woo_shop)
    store_keys(container, shop, store.url, CK, "cs_wrong")
    with pytest.raises(WooApiError, match="401"):
        sync_webhooks(container, shop)
    s.close()


def orders_modified_from(start: datetime, count: int, status: str = "processing"):
    out = []
    for i in range(count):
        at = (start + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S")
        out.append(order(status, id=5000 + i, number=str(5000 + i), date_modified_gmt=at))
    return out


def test_reconciliation_pages_through_missed_orders_and_moves_the_cursor(
    container, store, woo_shop, http_stub
):
    s, shop = shop_of(container, woo_shop)
    shop.state = {**shop.state, "woocommerce": {**woo_state(shop), "cursor": "2026-11-01T00:00:00"}}
    s.commit()
    s.close()
    store.orders = orders_modified_from(datetime(2026, 11, 2, tzinfo=UTC), 120)
    store.orders.append(order("processing", id=4000, date_modified_gmt="2026-10-01T00:00:00"))

    report = reconcile_tick(container)

    assert (report.shops, report.failed) == (1, 0)
    pages = http_stub.requests_to("GET", f"{BASE}/orders")
    assert [p.query["page"][-1] for p in pages] == ["1", "2", "3"]
    assert pages[0].query["modified_after"][-1] == "2026-10-31T23:59:59"
    assert pages[0].query["dates_are_gmt"][-1] == "true"
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 120
        shop = s.get(Shop, woo_shop.shop.id)
        assert woo_state(shop)["cursor"] == "2026-11-02T01:59:00"
        assert len(woo_state(shop)["webhooks"]) == 4  # checked (here: created) on the way


def test_a_second_reconciliation_adds_nothing_new(container, store, woo_shop):
    store.orders = orders_modified_from(datetime(2026, 11, 2, tzinfo=UTC), 3)
    with container.session() as s:
        shop = s.get(Shop, woo_shop.shop.id)
        shop.state = {
            **shop.state,
            "woocommerce": {**woo_state(shop), "cursor": "2026-11-01T00:00:00"},
        }
        s.commit()
    first = reconcile_tick(container)
    with container.session() as s:  # the interval has not passed: make it due again
        shop = s.get(Shop, woo_shop.shop.id)
        shop.state = {**shop.state, "reconciled_at": "2000-01-01T00:00:00+00:00"}
        s.commit()
    second = reconcile_tick(container)
    assert first.accepted == 6  # placed + processing for each of 3 orders
    assert second.accepted == 0 and second.duplicates == 2  # the overlapping last second


def test_backfill_imports_open_orders_with_their_current_status_only(
    container, store, woo_shop, http_stub, capsys
):
    store.orders = orders_modified_from(datetime(2026, 11, 2, tzinfo=UTC), 3) + [
        order("on-hold", id=6001, date_modified_gmt="2026-11-03T00:00:00"),
        order("completed", id=6002, date_modified_gmt="2026-11-03T00:00:00"),
    ]
    run_backfill(container, woo_shop.shop.key, days=30)
    (req,) = http_stub.requests_to("GET", f"{BASE}/orders")
    assert req.query["status"][-1] == "on-hold,processing"
    with container.session() as s:
        keys = s.scalars(select(OrderEvent.event_key)).all()
        statuses = dict(s.execute(select(Order.external_id, Order.status)).all())
    assert len(keys) == 4 and not any(k.endswith(":placed") for k in keys)
    assert statuses == {
        "5000": "processing",
        "5001": "processing",
        "5002": "processing",
        "6001": "placed",
    }
    assert "4 event(s) imported" in capsys.readouterr().out
    with container.session() as s:
        confirmed = s.scalars(
            select(Order.external_id)
            .join(Notification, Notification.order_id == Order.id)
            .where(Notification.status == "placed")
        ).all()
    assert confirmed == ["6001"]  # on hold is "received"; processing ones are not confirmed late


@pytest.fixture
def https_stub(tmp_path):
    """The stub behind TLS with a self-signed certificate, as a store on https would be."""
    import ssl

    from tests.support.http_stub import HttpStub
    from tests.support.smtp_server import self_signed_cert

    cert, key = self_signed_cert(tmp_path)
    stub = HttpStub()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    stub._server.socket = ctx.wrap_socket(stub._server.socket, server_side=True)
    stub.start()
    yield stub, cert
    stub.stop()


def test_over_https_the_keys_go_in_basic_auth_and_the_certificate_is_checked(
    https_stub, monkeypatch
):
    from adapters.woocommerce.api import WooClient

    stub, cert = https_stub
    stub.route("POST", f"{BASE}/webhooks", status=201, json={"id": 7, "status": "active"})
    url = f"https://127.0.0.1:{stub.port}"
    with pytest.raises(WooApiError, match="did not answer"):  # an untrusted certificate
        WooClient(url, CK, CS).create_webhook("order.created", "https://w.example/h", "s")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    assert WooClient(url, CK, CS).create_webhook("order.created", "https://w.example/h", "s") == 7
    (req,) = stub.requests_to("POST", f"{BASE}/webhooks")
    expected = "Basic " + base64.b64encode(f"{CK}:{CS}".encode()).decode()
    assert req.headers["authorization"] == expected
    assert not any(k.startswith("oauth_") for k in req.query)


def test_reconciliation_does_not_count_changes_the_webhooks_already_brought(
    container, store, woo_shop
):
    from webapp import create_app

    from .test_webhook_route import post

    seen = order("processing", id=7001, date_modified_gmt="2026-11-02T10:00:00")
    r = post(create_app(container=container).test_client(), woo_shop, seen)
    assert r.status_code == 200 and r.json["accepted"] == 2  # placed + processing
    store.orders = [seen]
    with container.session() as s:
        shop = s.get(Shop, woo_shop.shop.id)
        shop.state = {
            **shop.state,
            "woocommerce": {**woo_state(shop), "cursor": "2026-11-01T00:00:00"},
        }
        s.commit()
    report = reconcile_tick(container)
    assert (report.accepted, report.duplicates) == (0, 2)


def test_a_shop_not_linked_yet_is_skipped_quietly(container, caplog):
    add_shop(container, platform="woocommerce", name="Not linked")
    report = reconcile_tick(container)
    assert report.failed == 0
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
