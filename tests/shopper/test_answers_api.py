"""POST /api/v1/wismo/answer and GET /api/v1/orders/<number>/timeline (shop API key)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from core.domain.statuses import Status
from core.storage.models import TrackingVisit
from tests.conftest import add_shop
from webapp import create_app

from .orders import PEOPLE, XSS, order_in, push


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


@pytest.fixture
def shop(container):
    new = add_shop(container, locale="en")
    order_in(container, new.shop.id, "1001", "progress", "ru")
    return new


def ask(client, shop, **body):
    return client.post(
        "/api/v1/wismo/answer", json=body, headers={"Authorization": f"Bearer {shop.api_key}"}
    )


def test_answers_where_is_my_order_in_russian(client, shop):
    reply = ask(client, shop, message="где мой заказ 1001?", email="anna@example.com")
    assert reply.status_code == 200
    body = reply.json
    assert body["language"] == "ru" and body["intent"] == "status"
    assert body["answer"].startswith("Заказ #1001: В пути.")
    assert "24 ноября 2026" in body["answer"]
    assert "http://wismo.test/track/" in body["answer"]
    assert body["order"]["tracking_url"] in body["answer"]


def test_a_short_russian_question_about_a_lettered_number_is_answered_in_russian(client, container):
    new = add_shop(container, locale="uk")  # the shop and the order say Ukrainian
    order_in(container, new.shop.id, "UA-1042", "progress", "uk")
    reply = ask(client, new, message="Подскажите статус ua-1042", email="olena@example.com")
    body = reply.json
    assert body["language"] == "ru" and body["intent"] == "status", body
    assert body["answer"].startswith("Заказ #UA-1042: В пути.")
    assert "24 ноября 2026\u202fг. Следить за заказом: http" in body["answer"]
    assert ".." not in body["answer"]


def test_no_sentence_of_an_answer_ends_in_two_stops(client, shop):
    for message in ("где мой заказ 1001?", "де моє замовлення 1001?", "where is order 1001?"):
        answer = ask(client, shop, message=message, email="anna@example.com").json["answer"]
        assert "2026" in answer and ".." not in answer, answer


def test_contact_details_may_come_inside_the_message(client, shop):
    reply = ask(client, shop, message="де моє замовлення 1001? мій телефон +380 50 123 45 67")
    assert reply.json["language"] == "uk" and reply.json["intent"] == "status"
    assert reply.json["answer"].startswith("Замовлення #1001: У дорозі.")


def test_asks_for_the_order_number_in_the_shoppers_language(client, shop):
    assert ask(client, shop, message="Where is my parcel?").json == {
        "language": "en",
        "answer": "I can check that for you. What is your order number (for example #1001)?",
        "intent": "need_order_number",
        "needs": ["order_number"],
        "order": None,
    }


def test_a_number_alone_asks_for_the_email_or_phone(client, shop):
    reply = ask(client, shop, message="где мой заказ 1001?").json
    assert reply["intent"] == "need_contact" and reply["needs"] == ["contact"]
    assert "email или телефон" in reply["answer"] and reply["order"] is None


def test_a_wrong_contact_reveals_nothing(client, shop):
    wrong = ask(client, shop, message="где мой заказ 1001?", email="someone@example.com").json
    missing = ask(client, shop, message="где мой заказ 5555?", email="anna@example.com").json
    assert wrong["intent"] == missing["intent"] == "not_found"
    assert wrong["order"] is None and "1001" in wrong["answer"]


def test_a_trusted_helpdesk_needs_only_the_number_or_the_email(client, shop):
    by_number = ask(client, shop, message="статус?", order_number="#1001", trusted=True).json
    assert by_number["intent"] == "status" and by_number["language"] == "ru"
    by_email = ask(client, shop, message="status?", email="anna@example.com", trusted=True).json
    assert by_email["intent"] == "status" and by_email["order"]["number"] == "#1001"


def test_answers_count_as_a_shopper_served(client, shop, container):
    ask(client, shop, message="где мой заказ 1001?", email="anna@example.com")
    with container.session() as s:
        assert s.scalars(select(TrackingVisit.source)).all() == ["answer"]


def test_another_shops_key_never_answers_about_this_shops_order(client, shop, container):
    other = add_shop(container, name="Other")
    reply = ask(client, other, message="где мой заказ 1001?", email="anna@example.com")
    assert reply.json["intent"] == "not_found"
    assert (
        client.get(
            "/api/v1/orders/1001/timeline", headers={"Authorization": f"Bearer {other.api_key}"}
        ).status_code
        == 404
    )


def test_answer_needs_an_api_key_and_a_message(client, shop):
    assert client.post("/api/v1/wismo/answer", json={"message": "hi"}).status_code == 401
    bad = ask(client, shop, email="anna@example.com")  # "" is allowed: see below
    assert bad.status_code == 400 and bad.json["errors"] == {"message": "required"}
    assert ask(client, shop, message=["x"]).status_code == 400


def test_html_in_names_is_returned_as_plain_data(client, container):
    shop = add_shop(container)
    customer = PEOPLE["en"].__class__(name=XSS, email="x@example.com", locale="en")
    push(container, shop.shop.id, "9", Status.PLACED, customer=customer)
    reply = ask(client, shop, message="order 9?", email="x@example.com")
    assert reply.mimetype == "application/json" and reply.json["intent"] == "status"


def test_timeline_lists_milestones_and_every_message(client, shop):
    response = client.get(
        "/api/v1/orders/%231001/timeline", headers={"Authorization": f"Bearer {shop.api_key}"}
    )
    assert response.status_code == 200
    body = response.json
    assert [e["status"] for e in body["timeline"]] == [
        "in_transit",
        "shipped",
        "processing",
        "placed",
    ]
    assert body["customer"]["email"] == "anna@example.com"
    sent = [(m["status"], m["channel"], m["state"]) for m in body["messages"]]
    assert ("placed", "email", "sent") in sent and ("shipped", "email", "sent") in sent
    assert all(m["recipient"] == "anna@example.com" for m in body["messages"])
    assert client.get("/api/v1/orders/1001/timeline").status_code == 401


def test_openapi_describes_the_support_and_widget_endpoints(client):
    doc = client.get("/openapi.json").json
    for path in (
        "/api/v1/wismo/answer",
        "/api/v1/orders/{number}/timeline",
        "/api/v1/widget/order",
        "/api/v1/widget/lookup",
    ):
        assert path in doc["paths"], path
    refs = set(re.findall(r'"#/components/schemas/(\w+)"', json.dumps(doc)))
    assert refs <= set(doc["components"]["schemas"])
    assert doc["paths"]["/api/v1/widget/order"]["get"]["security"] == []  # public


def test_an_empty_message_is_answered_as_the_contract_allows(client, shop):
    reply = ask(client, shop, message="")
    assert reply.status_code == 200, reply.json
    assert reply.json["intent"] == "need_order_number"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"message": "where is 1001?", "trusted": "x"}, "trusted"),
        ({"message": "where is 1001?", "trusted": 1}, "trusted"),
        ({"message": 1001}, "message"),
        ({"message": None}, "message"),
        ({}, "message"),
        ({"message": "where?", "order_number": 1001}, "order_number"),
        ({"message": "where?", "email": ["anna@example.com"]}, "email"),
    ],
)
def test_what_the_contract_forbids_is_a_400_naming_the_field(client, shop, body, field):
    reply = ask(client, shop, **body)
    assert reply.status_code == 400, reply.json
    assert field in json.dumps(reply.json)
