"""POST /webhooks/shopify on a real database, with a real SMTP server: the Done-when path.

Signed correctly, signed wrongly, duplicated, out of order, several fulfillments.
"""

from __future__ import annotations

import json
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from core.storage.models import Notification, Order, OrderEvent
from tests.adapters.shopify.conftest import (
    PREVIOUS,
    Deliver,
    fixture,
    install,
    make_shopify_container,
)
from tests.adapters.shopify.test_translate import new_order

pytestmark = pytest.mark.integration


@pytest.fixture
def mail(database_url, http_stub, smtp_server):
    """An installed shop whose email goes to the aiosmtpd server; returns (c, client, deliver)."""
    c = make_shopify_container(
        database_url, http_stub.url, smtp_url=smtp_server.url + "?from=shop@example.com"
    )
    from webapp.app import create_app

    client = create_app(container=c).test_client()
    install(c)
    yield c, Deliver(client), smtp_server
    c.engine.dispose()


def text_of(mail) -> str:
    message: EmailMessage = mail.message
    return message.get_body(("plain",)).get_content()


def fulfillment(fid: int, number: str, **changes):
    f = fixture("shopify_dev_webhook_sample_fulfillments_create_2026-07.json")
    f.update(
        id=fid,
        tracking_number=number,
        tracking_numbers=[number],
        tracking_url=f"https://www.ups.com/track?tracknum={number}",
        tracking_urls=[f"https://www.ups.com/track?tracknum={number}"],
        updated_at="2022-01-02T10:00:00-05:00",
    )
    f.update(changes)
    return f


def count(c, model, **where) -> int:
    with c.session() as s:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return s.scalar(q)


def test_signed_orders_create_emails_the_confirmation_in_the_shoppers_language(mail):
    c, deliver, smtp = mail
    r = deliver("orders/create", new_order(customer_locale="uk-UA"))
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"accepted": 1, "duplicates": 0}
    (received,) = smtp.wait_for(1)
    assert received.rcpt_tos == ["jon@example.com"]
    assert received.message["Subject"] == "Дякуємо за замовлення #9999"


def test_fulfillments_create_emails_carrier_number_and_link(mail):
    c, deliver, smtp = mail
    deliver("orders/create", new_order(customer_locale="en"))
    r = deliver("fulfillments/create", fulfillment(5001, "1Z999AA10123456784"))
    assert r.status_code == 200
    confirmation, shipping = smtp.wait_for(2)
    assert "#9999" in shipping.message["Subject"]
    body = text_of(shipping)
    assert "UPS" in body
    assert "1Z999AA10123456784" in body
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in body


def test_previous_secret_still_verifies_after_a_rotation(mail):
    c, deliver, smtp = mail
    assert deliver("orders/create", new_order(), secret=PREVIOUS).status_code == 200


def test_a_forged_delivery_gets_401_and_stores_nothing(mail):
    c, deliver, smtp = mail
    r = deliver("orders/create", new_order(), secret="shpss_attacker")
    assert r.status_code == 401
    assert deliver("orders/create", new_order(), hmac_value="").status_code == 401
    assert count(c, OrderEvent) == 0


def test_a_signed_but_malformed_body_gets_400_with_a_reason(mail):
    c, deliver, smtp = mail
    r = deliver("orders/create", b"{not json")
    assert r.status_code == 400
    assert "JSON" in r.get_json()["error"]


def test_orders_before_the_app_is_first_opened_are_kept_and_the_shop_waits_for_its_token(
    mail, http_stub
):
    """Managed install: the shop row used to appear only on the first admin visit, so the
    first orders got 404 and were lost after Shopify's retries."""
    from sqlalchemy import select

    from adapters.shopify.tokens import load_tokens
    from core.storage.models import Shop
    from tests.adapters.shopify.test_auth import session_token

    c, deliver, smtp = mail
    other = "other.myshopify.com"
    r = deliver("orders/create", new_order(), domain=other)
    assert r.status_code == 200 and r.get_json()["accepted"] == 1
    with c.session() as s:
        shop = s.scalars(select(Shop).where(Shop.domain == other)).one()
        assert shop.active and shop.state["shopify"]["awaiting_token"] is True
        assert load_tokens(c.box, shop) is None
        assert s.scalars(select(Order).where(Order.shop_id == shop.id)).one().number == "#9999"
        shop_id = shop.id
        # reconciliation waits for the token instead of failing every 15 minutes
        from adapters.shopify import ShopifyAdapter

        assert list(ShopifyAdapter.reconcile(c, shop)) == []
        assert http_stub.requests == []
    # the first admin visit exchanges the token for the same shop, orders kept
    http_stub.route(
        "POST",
        "/admin/oauth/access_token",
        json={
            "access_token": "shpat_x",
            "scope": "read_orders",
            "expires_in": 3600,
            "refresh_token": "shprt_x",
            "refresh_token_expires_in": 7776000,
        },
    )
    http_stub.route(
        "POST",
        "/admin/api/2026-10/graphql.json",
        json={
            "data": {
                "ordersCount": {"count": 0},
                "orders": {"nodes": [], "pageInfo": {"hasNextPage": False}},
            }
        },
    )
    token = session_token(iss=f"https://{other}/admin", dest=f"https://{other}")
    page = deliver.client.get(f"/shopify/app?id_token={token}&shop={other}&embedded=1")
    assert page.status_code == 200
    with c.session() as s:
        (shop,) = s.scalars(select(Shop).where(Shop.domain == other)).all()
        assert shop.id == shop_id and shop.state["shopify"]["awaiting_token"] is False
        assert load_tokens(c.box, shop).access_token == "shpat_x"


def test_after_an_uninstall_late_retries_get_404_and_a_new_install_is_taken(mail):
    c, deliver, smtp = mail
    uninstall = fixture("shopify_dev_webhook_sample_app_uninstalled_2026-07.json")
    assert deliver("app/uninstalled", uninstall).status_code == 200
    late = deliver("orders/create", new_order(), triggered_at="2026-01-01T00:00:00Z")
    assert late.status_code == 404  # triggered before the uninstall: a retry of old news
    from datetime import UTC, datetime, timedelta

    later = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert deliver("orders/create", new_order(), triggered_at=later).status_code == 200


def test_a_duplicate_delivery_is_200_and_sends_no_second_message(mail):
    c, deliver, smtp = mail
    assert deliver("orders/create", new_order(), webhook_id="same").status_code == 200
    r = deliver("orders/create", new_order(), webhook_id="same")
    assert r.status_code == 200
    assert r.get_json() == {"accepted": 0, "duplicates": 1}
    smtp.wait_for(1)
    assert count(c, Notification) == 1


def test_orders_updated_before_orders_create_still_confirms_once(mail):
    c, deliver, smtp = mail
    updated = new_order(updated_at="2022-01-01T09:00:00-05:00", note="leave at door")
    deliver("orders/updated", updated)
    deliver("orders/create", new_order())
    (received,) = smtp.wait_for(1)
    assert received.message["Subject"].startswith("Thank")
    with c.session() as s:
        order = s.scalars(select(Order)).one()
        assert order.status == "placed"


def test_a_stale_fulfillment_update_after_delivery_is_not_applied(mail):
    c, deliver, smtp = mail
    deliver("orders/create", new_order())
    deliver(
        "fulfillments/update",
        fulfillment(5001, "1Z1", shipment_status="delivered", updated_at="2022-01-05T10:00:00Z"),
    )
    stale = fulfillment(
        5001, "1Z1", shipment_status="in_transit", updated_at="2022-01-03T10:00:00Z"
    )
    assert deliver("fulfillments/update", stale).status_code == 200
    with c.session() as s:
        order = s.scalars(select(Order)).one()
        assert order.status == "delivered"
        assert order.shipments[0].status == "delivered"
        outcomes = s.scalars(select(OrderEvent.outcome).order_by(OrderEvent.id)).all()
    assert outcomes[-1] == "stale"


def test_several_fulfillments_are_several_parcels(mail):
    c, deliver, smtp = mail
    deliver("orders/create", new_order())
    first = fulfillment(5001, "1ZAAA", line_items=[{"quantity": 1, "name": "A"}])
    second = fulfillment(5002, "1ZBBB", line_items=[{"quantity": 1, "name": "B"}])
    deliver("fulfillments/create", first)
    deliver("fulfillments/create", second)
    deliver(
        "fulfillment_events/create",
        {
            **fixture("shopify_dev_webhook_sample_fulfillment_events_create_2026-07.json"),
            "id": 77,
            "fulfillment_id": 5002,
            "status": "delivered",
            "happened_at": "2022-01-04T10:00:00Z",
        },
    )
    with c.session() as s:
        order = s.scalars(select(Order)).one()
        parcels = {p.external_id: (p.tracking_number, p.status) for p in order.shipments}
    assert parcels == {"5001": ("1ZAAA", "shipped"), "5002": ("1ZBBB", "delivered")}
    subjects = [m.message["Subject"] for m in smtp.wait_for(4)]
    assert len(subjects) == 4  # placed, shipped x2 (one per parcel), delivered


def test_pings_and_topics_we_do_not_follow_answer_200(mail):
    c, deliver, smtp = mail
    r = deliver("products/update", {"id": 1})
    assert r.status_code == 200
    assert r.get_json() == {"accepted": 0, "duplicates": 0}


def test_the_generic_shop_key_route_also_accepts_shopify(mail):
    c, deliver, smtp = mail
    with c.session() as s:
        from core.storage.models import Shop

        key = s.scalars(select(Shop.key)).one()
    body = json.dumps(new_order()).encode()
    from tests.adapters.shopify.conftest import sign

    r = deliver.client.post(
        f"/webhooks/shopify/{key}",
        data=body,
        headers={
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Webhook-Id": "generic-1",
            "X-Shopify-Hmac-Sha256": sign(body),
        },
    )
    assert r.status_code == 200
