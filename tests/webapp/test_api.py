"""The event API through the Flask test client: auth, validation, idempotency, OpenAPI."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.storage.models import Notification, Order, OutboxMessage
from webapp import create_app

BODY = {
    "event_id": "erp-77-3",
    "order": {
        "id": "1001",
        "number": "#1001",
        "status": "shipped",
        "occurred_at": "2026-11-22T10:00:00Z",
        "customer": {
            "name": "Olena Petrenko",
            "email": "olena@example.com",
            "phone": "+380501234567",
            "locale": "uk",
            "timezone": "Europe/Kyiv",
        },
        "items": [{"name": "Kettle", "quantity": 1, "price": "1250.00"}],
        "total": "1250.00",
        "currency": "UAH",
        "shipment": {
            "id": "s1",
            "carrier": "Nova Poshta",
            "tracking_number": "20450000000000",
            "tracking_url": "https://example.com/t/20450000000000",
            "estimated_delivery": "2026-11-25",
        },
        "reason": None,
    },
}


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


def auth(shop) -> dict[str, str]:
    return {"Authorization": f"Bearer {shop.api_key}"}


def test_issue_example_is_accepted_and_sends_the_shipped_email(client, container, shop):
    r = client.post("/api/v1/orders/events", json=BODY, headers=auth(shop))
    assert r.status_code == 202, r.json
    assert r.json == {"event_id": "erp-77-3", "duplicate": False, "accepted": True}
    with container.session() as s:
        # the order's first news: its confirmation comes first
        placed, note = s.scalars(select(Notification).order_by(Notification.id)).all()
        out = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1)).one()
    assert placed.status == "placed"
    assert (note.status, note.channel, note.state) == ("shipped", "email", "sent")
    assert "20450000000000" in out.text and "https://example.com/t/20450000000000" in out.text
    assert out.meta["locale"] == "uk"


def test_same_event_twice_is_a_200_duplicate_and_one_message(client, container, shop):
    assert client.post("/api/v1/orders/events", json=BODY, headers=auth(shop)).status_code == 202
    r = client.post("/api/v1/orders/events", json=BODY, headers=auth(shop))
    assert r.status_code == 200 and r.json["duplicate"] is True
    with container.session() as s:
        assert len(s.scalars(select(Notification)).all()) == 2  # the confirmation and shipped


@pytest.mark.parametrize("header", [None, "Bearer wsk_wrong", "Basic abc", "Bearer "])
def test_bad_or_missing_key_is_401(client, shop, header):
    headers = {"Authorization": header} if header else {}
    r = client.post("/api/v1/orders/events", json=BODY, headers=headers)
    assert r.status_code == 401 and "API key" in r.json["error"]


def test_invalid_body_lists_every_bad_field(client, shop):
    bad = {
        "order": {
            "status": "teleported",
            "occurred_at": "yesterday",
            "currency": "hryvnia",
            "total": "a lot",
            "customer": {"email": "nope"},
            "items": [{"quantity": 0}],
        }
    }
    r = client.post("/api/v1/orders/events", json=bad, headers=auth(shop))
    assert r.status_code == 400
    errors = r.json["errors"]
    for field in (
        "event_id",
        "order.id",
        "order.status",
        "order.occurred_at",
        "order.currency",
        "order.total",
        "order.customer.email",
        "order.items[0].name",
        "order.items[0].quantity",
    ):
        assert field in errors, field


def test_occurred_at_needs_a_time_zone(client, shop):
    body = {**BODY, "order": {**BODY["order"], "occurred_at": "2026-11-22T10:00:00"}}
    r = client.post("/api/v1/orders/events", json=body, headers=auth(shop))
    assert r.status_code == 400 and "time zone" in r.json["errors"]["order.occurred_at"]


def test_not_json_is_400(client, shop):
    r = client.post(
        "/api/v1/orders/events", data=b"{nope", headers=auth(shop), content_type="application/json"
    )
    assert r.status_code == 400 and "JSON" in r.json["error"]


def test_openapi_describes_the_endpoint(client):
    doc = client.get("/openapi.json").json
    assert doc["openapi"].startswith("3.")
    op = doc["paths"]["/api/v1/orders/events"]["post"]
    assert set(op["responses"]) == {"200", "202", "400", "401"}
    assert (
        "shipped"
        in doc["components"]["schemas"]["Event"]["properties"]["order"]["properties"]["status"][
            "enum"
        ]
    )


def test_order_level_estimated_delivery_reaches_the_confirmation(client, container, shop):
    placed = {k: v for k, v in BODY["order"].items() if k != "shipment"}
    body = {"event_id": "erp-1", "order": {**placed, "status": "placed"}}
    body["order"]["estimated_delivery"] = "2026-11-25"
    r = client.post("/api/v1/orders/events", json=body, headers=auth(shop))
    assert r.status_code == 202, r.json
    with container.session() as s:
        order = s.scalars(select(Order)).one()
        out = s.scalars(select(OutboxMessage)).one()
    assert order.estimated_delivery == date(2026, 11, 25)
    assert "25 листопада" in out.text  # the uk confirmation states the date


def test_delivery_cost_refund_and_order_time_reach_the_order_and_the_emails(
    client, container, shop
):
    order = {**BODY["order"], "shipping_total": "70", "placed_at": "2026-11-21T18:30:00+02:00"}
    r = client.post("/api/v1/orders/events", json={**BODY, "order": order}, headers=auth(shop))
    assert r.status_code == 202, r.json
    refund = {**order, "status": "refunded", "refund_amount": "300.50"}
    refund["occurred_at"] = "2026-11-23T10:00:00Z"
    body = {"event_id": "erp-77-9", "order": refund}
    assert client.post("/api/v1/orders/events", json=body, headers=auth(shop)).status_code == 202
    with container.session() as s:
        stored = s.scalars(select(Order)).one()
        sent = {m.meta.get("status"): m.text for m in s.scalars(select(OutboxMessage))}
    assert stored.shipping_total == "70"
    assert stored.placed_at and stored.placed_at.replace(tzinfo=None).isoformat() == (
        "2026-11-21T16:30:00"
    )
    assert "Доставка: 70,00" in sent["shipped"]
    assert "Ми повернули 300,50" in sent["refunded"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("shipping_total", "-5"), ("refund_amount", "lots"), ("placed_at", "yesterday")],
)
def test_bad_money_or_order_time_is_a_400_naming_the_field(client, shop, field, value):
    body = {**BODY, "order": {**BODY["order"], field: value}}
    r = client.post("/api/v1/orders/events", json=body, headers=auth(shop))
    assert r.status_code == 400 and f"order.{field}" in r.json["errors"], r.json


def test_a_bad_order_level_date_is_a_400_naming_the_field(client, shop):
    body = {**BODY, "order": {**BODY["order"], "estimated_delivery": "soon"}}
    r = client.post("/api/v1/orders/events", json=body, headers=auth(shop))
    assert r.status_code == 400 and "order.estimated_delivery" in r.json["errors"]


def test_openapi_lists_every_field_the_docs_list_and_says_others_are_ignored(client):
    event = client.get("/openapi.json").json["components"]["schemas"]["Event"]
    order = event["properties"]["order"]
    table = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    documented = set(re.findall(r"^\| `order\.(\w+)", table, re.MULTILINE))
    assert documented == set(order["properties"])
    assert "ignored" in event["description"] and order["additionalProperties"] is True


def test_health_ready_and_metrics(client, shop):
    client.post("/api/v1/orders/events", json=BODY, headers=auth(shop))
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"]["database"] == "ok"
    text = client.get("/metrics").get_data(as_text=True)
    assert 'wismo_events_accepted_total{source="api"} 1' in text
    assert 'wismo_messages{channel="email",state="sent"} 2' in text  # confirmation + shipped
    assert "wismo_send_latency_seconds_count 2" in text
