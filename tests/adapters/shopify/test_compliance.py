"""Uninstall and the mandatory privacy webhooks do what Shopify requires (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import JSON, String, Text, func, select

from adapters.shopify.tokens import load_tokens
from core.storage.models import (
    Base,
    DataExport,
    Feedback,
    Notification,
    OptOut,
    Order,
    OrderEvent,
    OutboxMessage,
    ProblemReport,
    Shop,
)
from tests.adapters.shopify.conftest import DOMAIN, fixture, install
from tests.adapters.shopify.test_translate import new_order
from tests.adapters.shopify.test_webhook_route import fulfillment

pytestmark = pytest.mark.integration

ZORYANA = {
    "id": 191167,
    "first_name": "Zoryana",
    "last_name": "Kvitka",
    "email": "zoryana.kvitka@example.com",
    "phone": "+380501112233",
}
OTHER = {"id": 5550001, "first_name": "Bohdan", "last_name": "Lys", "email": "bohdan@example.com"}


def order_for(person: dict, order_id: int, name: str) -> dict:
    return new_order(
        id=order_id,
        name=name,
        email=person["email"],
        contact_email=person["email"],
        phone=person.get("phone"),
        customer={**person},
        customer_locale="uk",
    )


@pytest.fixture
def shop(shopify_container, deliver):
    """A shop with two shoppers' orders, messages in the dev outbox, feedback and an opt-out."""
    c = shopify_container
    shop_id = install(c)
    assert deliver("orders/create", order_for(ZORYANA, 299938, "#2001")).status_code == 200
    f = fulfillment(6001, "1ZKV1")
    f.update(order_id=299938, name="#2001.1", email=ZORYANA["email"])
    deliver("fulfillments/create", f)
    deliver("orders/create", order_for(OTHER, 299939, "#2002"))
    with c.session() as s:
        orders = {o.external_id: o.id for o in s.scalars(select(Order))}
        s.add(
            Feedback(
                shop_id=shop_id,
                order_id=orders["299938"],
                rating=2,
                comment="Zoryana here: call me on +380501112233",
            )
        )
        s.add(
            ProblemReport(
                shop_id=shop_id,
                order_id=orders["299938"],
                kind="address",
                message="Please deliver to Zoryana Kvitka, zoryana.kvitka@example.com",
            )
        )
        s.add(OptOut(shop_id=shop_id, channel="sms", address=ZORYANA["phone"]))
        s.commit()
    return shop_id


def personal_traces(c, needles: list[str]) -> list[str]:
    """Every text or JSON cell, in every table, that still contains one of `needles`."""
    found = []
    with c.session() as s:
        for table in Base.metadata.sorted_tables:
            columns = [col for col in table.c if isinstance(col.type, String | Text | JSON)]
            if not columns:  # nothing personal fits (ids, times and numbers only)
                continue
            for row in s.execute(select(*columns)).mappings():
                for name, value in row.items():
                    if value is None:
                        continue
                    text = (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
                    for needle in needles:
                        if needle.lower() in text.lower():
                            found.append(f"{table.name}.{name}: {needle}")
    return found


ZORYANA_TRACES = [ZORYANA["email"], ZORYANA["phone"], "Zoryana", "Kvitka"]


def test_the_database_holds_the_shoppers_data_before_redaction(shop, shopify_container):
    traces = personal_traces(shopify_container, ZORYANA_TRACES)
    tables = {t.split(".")[0] for t in traces}
    assert {"customers", "order_events", "notifications", "outbox_messages"} <= tables


def test_customers_redact_leaves_no_personal_data_of_that_customer(
    shop, shopify_container, deliver
):
    c = shopify_container
    payload = fixture("shopify_dev_webhook_sample_customers_redact_2026-07.json")
    payload.update(
        shop_domain=DOMAIN,
        customer={"id": 191167, "email": ZORYANA["email"], "phone": ZORYANA["phone"]},
        orders_to_redact=[299938],
    )
    with c.session() as s:
        before = {
            m.__tablename__: s.scalar(select(func.count()).select_from(m))
            for m in (Order, OrderEvent, Notification, OutboxMessage, Feedback)
        }
    r = deliver("customers/redact", payload)
    assert r.status_code == 200
    assert personal_traces(c, ZORYANA_TRACES) == []
    with c.session() as s:
        after = {
            m.__tablename__: s.scalar(select(func.count()).select_from(m))
            for m in (Order, OrderEvent, Notification, OutboxMessage, Feedback)
        }
    assert after == before  # counts kept, only anonymised
    # the other shopper is untouched
    assert personal_traces(c, [OTHER["email"], "Bohdan"])
    # and doing it again is harmless
    assert deliver("customers/redact", payload).status_code == 200


def test_customers_data_request_makes_an_export_for_the_merchant(shop, shopify_container, deliver):
    c = shopify_container
    payload = fixture("shopify_dev_webhook_sample_customers_data_request_2026-07.json")
    payload.update(
        shop_domain=DOMAIN,
        customer={"id": 191167, "email": ZORYANA["email"], "phone": ZORYANA["phone"]},
        orders_requested=[299938],
    )
    assert deliver("customers/data_request", payload).status_code == 200
    assert deliver("customers/data_request", payload).status_code == 200  # retried: one export
    with c.session() as s:
        (export,) = s.scalars(select(DataExport)).all()
    assert export.request_ref == "9999"
    data = export.payload
    assert data["customers"][0]["email"] == ZORYANA["email"]
    assert [o["number"] for o in data["orders"]] == ["#2001"]
    assert data["orders"][0]["shipments"][0]["tracking_number"] == "1ZKV1"
    assert data["messages"] and data["messages"][0]["recipient"] == ZORYANA["email"]
    assert data["feedback"][0]["comment"].startswith("Zoryana")
    assert data["opt_outs"][0]["address"] == ZORYANA["phone"]
    assert OTHER["email"] not in json.dumps(data)


def test_shop_redact_purges_the_shop(shop, shopify_container, deliver):
    c = shopify_container
    payload = fixture("shopify_dev_webhook_sample_shop_redact.json")
    payload["shop_domain"] = DOMAIN
    assert deliver("shop/redact", payload).status_code == 200
    with c.session() as s:
        assert s.get(Shop, shop) is None
        for table in Base.metadata.sorted_tables:
            if "shop_id" in table.c:
                assert s.scalar(select(func.count()).select_from(table)) == 0, table.name
    assert deliver("shop/redact", payload).status_code == 200  # nothing left: still 200


def test_app_uninstalled_stops_sending_and_drops_tokens_idempotently(
    shop, shopify_container, deliver
):
    c = shopify_container
    uninstall = fixture("shopify_dev_webhook_sample_app_uninstalled_2026-07.json")
    assert deliver("app/uninstalled", uninstall).status_code == 200
    assert deliver("app/uninstalled", uninstall).status_code == 200
    with c.session() as s:
        row = s.get(Shop, shop)
        assert row.active is False
        assert load_tokens(c.box, row) is None
        assert "token_expires" not in row.state["shopify"]
    sent_before = _notifications(c)
    r = deliver("orders/create", order_for(OTHER, 299940, "#2003"))
    assert r.status_code == 404
    assert _notifications(c) == sent_before


def test_compliance_webhooks_with_a_bad_hmac_get_401(shop, shopify_container, deliver):
    payload = fixture("shopify_dev_webhook_sample_shop_redact.json")
    payload["shop_domain"] = DOMAIN
    assert deliver("shop/redact", payload, secret="wrong").status_code == 401
    with shopify_container.session() as s:
        assert s.get(Shop, shop) is not None


def test_privacy_webhooks_for_a_shop_we_never_saw_answer_200(shopify_container, deliver):
    payload = fixture("shopify_dev_webhook_sample_customers_redact_2026-07.json")
    assert (
        deliver("customers/redact", payload, domain="never-seen.myshopify.com").status_code == 200
    )


def _notifications(c) -> int:
    with c.session() as s:
        return s.scalar(select(func.count()).select_from(Notification))


def test_the_merchant_sees_the_export_in_the_embedded_admin(shop, client, deliver):
    from tests.adapters.shopify.test_auth import session_token

    payload = fixture("shopify_dev_webhook_sample_customers_data_request_2026-07.json")
    payload.update(shop_domain=DOMAIN, customer={"id": 191167, "email": ZORYANA["email"]})
    deliver("customers/data_request", payload)
    r = client.get(
        "/shopify/app/api/summary", headers={"Authorization": f"Bearer {session_token()}"}
    )
    assert r.status_code == 200
    (export,) = r.get_json()["data_exports"]
    assert export["subject"] == ZORYANA["email"] and export["request"] == "9999"
    assert export["data"]["orders"][0]["number"] == "#2001"


def test_privacy_requests_are_acknowledged_at_once_and_done_in_a_job(
    shop, shopify_container, deliver
):
    """A large shop's export or purge must not hold Shopify's 5-second webhook open."""
    import uuid

    from core.jobs import Jobs
    from core.queue_rq import RqQueue

    c = shopify_container
    redis_url = os.environ.get("WISMO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    c.queue = queue = RqQueue(redis_url, name=f"wismo-test-{uuid.uuid4().hex}")
    try:
        payload = fixture("shopify_dev_webhook_sample_customers_redact_2026-07.json")
        payload.update(
            shop_domain=DOMAIN,
            customer={"id": 191167, "email": ZORYANA["email"]},
            orders_to_redact=[299938],
        )
        request = fixture("shopify_dev_webhook_sample_customers_data_request_2026-07.json")
        request.update(shop_domain=DOMAIN, customer={"id": 191167, "email": ZORYANA["email"]})
        assert deliver("customers/redact", payload, webhook_id="redact-1").status_code == 200
        assert deliver("customers/redact", payload, webhook_id="redact-1").status_code == 200
        assert deliver("customers/data_request", request, webhook_id="req-1").status_code == 200
        # answered; nothing done inside the request: one waiting job does the shop's work
        # (the queue keeps one waiting job per job and ids, core/queue_rq.py)
        assert queue.depth() == 1
        with c.session() as s:
            assert s.scalar(select(func.count()).select_from(DataExport)) == 0
            pending = s.get(Shop, shop).state["shopify"]["compliance_pending"]
            assert [p["key"] for p in pending] == ["redact-1", "req-1"]  # a retry kept once
        Jobs(c).adapter_work(shop)  # what the worker runs
        traces = personal_traces(c, [ZORYANA["email"]])
        assert [t for t in traces if not t.startswith("data_exports.")] == []
        with c.session() as s:
            assert s.scalar(select(func.count()).select_from(DataExport)) == 1
            assert s.get(Shop, shop).state["shopify"]["compliance_pending"] == []
        Jobs(c).adapter_work(shop)  # the queued duplicates find nothing left to do
        with c.session() as s:
            assert s.scalar(select(func.count()).select_from(DataExport)) == 1
    finally:
        queue.queue.empty()
        queue.redis.close()
