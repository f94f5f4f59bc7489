"""Hostile input at intake: nothing accepted can fail later, nothing refused is invisible.

Every example of issue 16 item 1, through the real receivers (event API, WooCommerce
webhook) on SQLite and PostgreSQL, then the bounded retry of an event that still fails.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.domain.intake import InvalidEvent
from core.jobs import Jobs
from core.services.pipeline import MAX_EVENT_ATTEMPTS
from core.storage.models import Customer, Order, OrderEvent
from tests.adapters.woocommerce.wc import delivery, order, tracking_item, tracking_meta
from tests.conftest import add_shop
from tests.support.ticks import relay_tick
from tests.webapp.admin.helpers import Admin, make_staff
from tests.webapp.test_api import BODY
from webapp import create_app

TYPED_PHONE = "+380 (50) 123-45-67, Viber, after 18:00"


@pytest.fixture
def app(container):
    return create_app(container=container)


def api_body(**order_changes) -> dict:
    body = copy.deepcopy(BODY)
    body["order"].update(order_changes)
    return body


def post_api(app, shop, body):
    headers = {"Authorization": f"Bearer {shop.api_key}"}
    return app.test_client().post("/api/v1/orders/events", json=body, headers=headers)


def customer(**changes) -> dict:
    return {**BODY["order"]["customer"], **changes}


def shipment(**changes) -> dict:
    return {**BODY["order"]["shipment"], **changes}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"number": "N" * 65}, "order.number"),
        ({"id": "9" * 101}, "order.id"),
        ({"items": [{"name": "Kettle", "quantity": 2**31}]}, "order.items[0].quantity"),
        ({"items": [{"name": "Kettle", "price": "1E+5000"}]}, "order.items[0].price"),
        ({"items": [{"name": "Kettle", "sku": []}]}, "order.items[0].sku"),
        ({"total": "1" * 33}, "order.total"),
        ({"total": "1E+1000"}, "order.total"),
        ({"total": "1e308"}, "order.total"),
        ({"currency": "EURO"}, "order.currency"),
        ({"currency": "USDT"}, "order.currency"),
        ({"currency": "euro"}, "order.currency"),
        ({"customer": customer(email={"address": "olena@example.com"})}, "order.customer.email"),
        ({"customer": customer(locale="uk-UA-" + "x" * 20)}, "order.customer.locale"),
        ({"customer": customer(timezone="Europe")}, "order.customer.timezone"),
        ({"shipment": shipment(tracking_number="2" * 101)}, "order.shipment.tracking_number"),
        ({"shipment": shipment(id=123)}, "order.shipment.id"),  # openapi.json: a string
    ],
)
def test_the_event_api_answers_400_naming_the_field_for_what_cannot_be_stored(
    app, container, shop, changes, field
):
    r = post_api(app, shop, api_body(**changes))
    assert r.status_code == 400, r.json
    assert field in r.json["errors"], r.json
    with container.session() as s:
        assert s.scalars(select(OrderEvent)).all() == []


def test_a_typed_phone_and_a_nul_in_a_name_are_normalised_and_the_order_appears(
    app, container, shop
):
    body = api_body(customer=customer(phone=TYPED_PHONE, name="Olena\x00 Petrenko"))
    r = post_api(app, shop, body)
    assert r.status_code == 202, r.json
    with container.session() as s:
        o = s.scalars(select(Order)).one()
        c = s.scalars(select(Customer)).one()
        ev = s.scalars(select(OrderEvent)).one()
    assert (o.status, ev.outcome) == ("shipped", "applied")
    assert (c.name, c.phone, c.phone_e164) == ("Olena Petrenko", TYPED_PHONE, "+380501234567")


@pytest.fixture
def woo(container):
    return add_shop(container, platform="woocommerce", name="Kettle Store")


def post_woo(app, woo, body, delivery_id="d1"):
    raw, headers = delivery(body, woo.webhook_secret, delivery_id=delivery_id)
    return app.test_client().post(
        f"/webhooks/woocommerce/{woo.shop.key}", data=raw, headers=headers
    )


def test_a_woocommerce_billing_phone_as_typed_is_kept_beside_its_e164_form(app, container, woo):
    body = order("processing")
    body["billing"] = {**body["billing"], "phone": TYPED_PHONE, "first_name": "Ol\x00ena"}
    r = post_woo(app, woo, body)
    assert r.status_code == 200 and r.json == {"accepted": 2, "duplicates": 0}
    with container.session() as s:
        c = s.scalars(select(Customer)).one()
        outcomes = s.scalars(select(OrderEvent.outcome)).all()
    assert (c.phone, c.phone_e164, c.name) == (TYPED_PHONE, "+380501234567", "Olena Doe")
    assert None not in outcomes and "rejected" not in outcomes


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"number": "N" * 65}, "number"),
        ({"currency": "euro"}, "currency"),
        ({"total": "1e400"}, "total"),
        ({"billing": {"email": {"x": 1}}}, "customer.email"),
        (
            {"meta_data": [tracking_meta(tracking_item("1" * 101))]},
            "shipment.tracking_number",
        ),
    ],
)
def test_a_webhook_with_a_value_that_cannot_be_stored_is_recorded_and_shown_as_refused(
    app, container, woo, changes, field
):
    status = "completed" if "meta_data" in changes else "processing"
    r = post_woo(app, woo, order(status, **changes))
    assert r.status_code == 200, r.json  # a 4xx would only make WooCommerce disable the hook
    assert r.json["accepted"] == 0 and r.json["rejected"] == 1 and field in r.json["errors"]
    with container.session() as s:
        ev = s.scalars(select(OrderEvent)).one()
        assert s.scalars(select(Order)).all() == []
    assert (ev.outcome, ev.source, ev.order_external_id) == ("rejected", "woocommerce", "727")
    assert ev.processed_at is not None and field in ev.last_error
    assert relay_tick(container, now=datetime.now(UTC) + timedelta(hours=1)).events == 0
    make_staff(container, woo.shop.id, "owner@kettles.example")
    page = Admin(app, "owner@kettles.example").get("/admin/events/problems")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "refused" in text and field in text and "727" in text


def test_an_event_that_keeps_failing_is_dead_lettered_after_a_bounded_number_of_tries(
    app, container, shop
):
    # stored before intake checked limits: a 300-character order number
    bad = api_body(number="N" * 300)
    with container.session() as s:
        ev = OrderEvent(
            shop_id=shop.shop.id,
            source="api",
            event_key="old-1",
            order_external_id="1001",
            status="shipped",
            occurred_at=datetime(2026, 11, 22, 10, tzinfo=UTC),
            payload={
                "event_key": "old-1",
                "source": "api",
                "order_id": "1001",
                "occurred_at": "2026-11-22T10:00:00+00:00",
                "status": "shipped",
                "number": bad["order"]["number"],
            },
        )
        s.add(ev)
        s.commit()
        event_id = ev.id
    jobs = Jobs(container)
    for attempt in range(1, MAX_EVENT_ATTEMPTS):
        with pytest.raises(InvalidEvent):
            jobs.process_event(event_id)
        with container.session() as s:
            assert s.get(OrderEvent, event_id).attempts == attempt
    jobs.process_event(event_id)  # the last try dead-letters instead of raising
    jobs.process_event(event_id)  # and a late duplicate job is a no-op
    with container.session() as s:
        ev = s.get(OrderEvent, event_id)
    assert (ev.outcome, ev.attempts) == ("dead", MAX_EVENT_ATTEMPTS)
    assert ev.processed_at is not None and ev.last_error.startswith("InvalidEvent")
    assert relay_tick(container, now=datetime.now(UTC) + timedelta(hours=1)).events == 0
    make_staff(container, shop.shop.id, "owner@api.example")
    text = Admin(app, "owner@api.example").get("/admin/events/problems").get_data(as_text=True)
    assert f"failed {MAX_EVENT_ATTEMPTS} times" in text and "old-1" in text


def test_once_the_merchant_fixes_the_data_the_same_event_goes_through(app, container, woo):
    assert post_woo(app, woo, order("processing", number="N" * 65)).json["rejected"] == 1
    assert post_woo(app, woo, order("processing", currency="euro"), "d2").json["rejected"] == 1
    r = post_woo(app, woo, order("processing"), "d3")
    assert r.json == {"accepted": 2, "duplicates": 0}  # the refusals did not take its keys
    with container.session() as s:
        outcomes = sorted(s.scalars(select(OrderEvent.outcome)).all())
    assert outcomes.count("rejected") == 2 and len(outcomes) == 4
