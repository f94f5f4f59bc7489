"""/widget.js and /api/v1/widget/...: caching, CORS, storefront tokens, the lookup form."""

from __future__ import annotations

import gzip
import time

import pytest

from core.domain.statuses import Status
from core.storefront import sign_storefront_token
from tests.conftest import add_shop
from webapp import create_app

from .orders import PEOPLE, XSS, order_in, push


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


@pytest.fixture
def shops(container):
    a, b = add_shop(container, name="Shop A"), add_shop(container, name="Shop B")
    order_in(container, a.shop.id, "1001", "progress", "uk")
    push(container, b.shop.id, "2002", Status.PLACED, customer=PEOPLE["en"])
    return a, b


def test_widget_js_is_small_cacheable_and_revalidated(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert len(gzip.compress(response.data)) <= 8 * 1024
    assert "public" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_widget_size_bench_prints_the_gzipped_size(capsys):
    from bench.widget_size import main

    assert main() == 0
    assert "gzipped" in capsys.readouterr().out


def test_order_by_storefront_token(client, shops):
    a, _ = shops
    token = sign_storefront_token(a.webhook_secret, a.shop.key, "1001")
    response = client.get(f"/api/v1/widget/order?token={token}")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    order = response.json
    assert order["number"] == "#1001" and order["status"] == "in_transit"
    assert order["locale"] == "uk" and order["status_label"] == "У дорозі"
    assert order["first_name"] == "Олена"
    assert [e["status"] for e in order["timeline"]] == [
        "in_transit",
        "shipped",
        "processing",
        "placed",
    ]
    assert order["shipments"][0]["tracking_number"] == "20450012345678"
    text = response.get_data(as_text=True)
    assert "olena@example.com" not in text and "+380" not in text and "Петренко" not in text


def test_a_token_for_one_shop_never_opens_another_shops_order(client, shops):
    a, b = shops
    # B's order named with A's key, signed with A's secret: not A's order, so nothing
    # (A has no order 2002: "pending", with no data of B's)
    other = client.get(
        "/api/v1/widget/order?token=" + sign_storefront_token(a.webhook_secret, a.shop.key, "2002")
    )
    assert other.status_code == 202 and other.json == {"error": "pending"}
    # A's order claimed for A but signed with B's secret: forged
    assert (
        client.get(
            "/api/v1/widget/order?token="
            + sign_storefront_token(b.webhook_secret, a.shop.key, "1001")
        ).status_code
        == 404
    )


def test_a_genuine_token_for_an_order_not_received_yet_is_pending(client, shops):
    a, _ = shops
    # A thank-you page can load before the order's webhook reaches Wismo: only the shop can
    # sign this token, so "not received yet" tells nobody anything, and the widget waits.
    token = sign_storefront_token(a.webhook_secret, a.shop.key, "1002")
    response = client.get(f"/api/v1/widget/order?token={token}")
    assert response.status_code == 202 and response.json == {"error": "pending"}
    forged = sign_storefront_token("whsec_c29tZW9uZSBlbHNl", a.shop.key, "1002")
    assert client.get(f"/api/v1/widget/order?token={forged}").json == {"error": "not_found"}


@pytest.mark.parametrize("token", ["", "garbage", "a.b", "x" * 700])
def test_bad_tokens_are_a_plain_404(client, shops, token):
    response = client.get(f"/api/v1/widget/order?token={token}")
    assert response.status_code == 404 and response.json == {"error": "not_found"}


def test_an_expired_token_is_refused(client, shops):
    a, _ = shops
    token = sign_storefront_token(a.webhook_secret, a.shop.key, "1001", int(time.time()) - 1)
    assert client.get(f"/api/v1/widget/order?token={token}").status_code == 404


def test_cors_preflight_for_the_lookup_form(client):
    response = client.options(
        "/api/v1/widget/lookup",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_widget_lookup_finds_the_shops_order_and_fails_uniformly(client, shops):
    a, b = shops
    ok = client.post(
        "/api/v1/widget/lookup",
        json={"shop": a.shop.key, "number": "1001", "contact": "+380 67 111 22 33"},
    )
    assert ok.status_code == 200 and ok.json["number"] == "#1001"
    failures = [
        client.post("/api/v1/widget/lookup", json=body)
        for body in (
            {"shop": a.shop.key, "number": "1001", "contact": "nobody@example.com"},
            {"shop": a.shop.key, "number": "2002", "contact": "emma@example.com"},  # B's order
            {"shop": "no-such-shop", "number": "1001", "contact": "olena@example.com"},
            {"shop": a.shop.key, "number": "", "contact": ""},
        )
    ]
    assert {r.status_code for r in failures} == {404}
    assert len({r.data for r in failures}) == 1


def test_widget_lookup_is_rate_limited(container, shops):
    a, _ = shops
    app = create_app(container=container)
    app.config.update(WISMO_LOOKUP_LIMIT_ORDER="2 per minute")
    client = app.test_client()
    body = {"shop": a.shop.key, "number": "1001", "contact": "x@example.com"}
    assert [client.post("/api/v1/widget/lookup", json=body).status_code for _ in range(3)] == [
        404,
        404,
        429,
    ]
    assert client.post("/api/v1/widget/lookup", json=body).json == {"error": "too_many_attempts"}


def test_item_and_customer_names_stay_data(client, container):
    shop = add_shop(container)
    customer = PEOPLE["en"].__class__(name=XSS, email="x@example.com", locale="en")
    push(container, shop.shop.id, "77", Status.PLACED, customer=customer)
    token = sign_storefront_token(shop.webhook_secret, shop.shop.key, "77")
    order = client.get(f"/api/v1/widget/order?token={token}").json
    assert order["first_name"] == XSS.split()[0]  # returned as a string; the widget sets text


def test_an_order_placed_long_before_wismo_heard_of_it_is_unknown_not_pending(client, shops):
    a, _ = shops
    # issue 18 item 6: an order from before Wismo was connected never gets a webhook; its
    # token says when it was placed, so the widget says so plainly instead of waiting forever
    now = int(time.time())
    old = sign_storefront_token(a.webhook_secret, a.shop.key, "17", placed=now - 3 * 24 * 3600)
    response = client.get(f"/api/v1/widget/order?token={old}")
    assert response.status_code == 202 and response.json == {"error": "unknown"}
    fresh = sign_storefront_token(a.webhook_secret, a.shop.key, "1002", placed=now - 60)
    assert client.get(f"/api/v1/widget/order?token={fresh}").json == {"error": "pending"}
    known = sign_storefront_token(a.webhook_secret, a.shop.key, "1001", placed=now - 9 * 86400)
    assert client.get(f"/api/v1/widget/order?token={known}").json["number"] == "#1001"
