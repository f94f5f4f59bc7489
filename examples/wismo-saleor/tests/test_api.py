"""Saleor's GraphQL API through a stand-in that checks each request's shape."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from graphql import build_schema, parse, validate
from wismo.sdk import ConfigError, Status
from wismo.sdk.testing import HttpStub, StubRequest

from wismo_saleor import api, webhooks
from wismo_saleor.manifest import SUBSCRIPTION, manifest

from .samples import order

SINCE = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

# The part of Saleor's schema (saleor/graphql/schema.graphql) the app's documents use.
SCHEMA = build_schema(
    """
    scalar DateTime
    scalar JSONString
    type Query {
      app: App
      orders(first: Int, after: String, filter: OrderFilterInput): OrderCountableConnection
    }
    type Subscription { event: Event }
    interface Event { issuedAt: DateTime }
    type App { id: ID! }
    input OrderFilterInput { updatedAt: DateTimeRangeInput }
    input DateTimeRangeInput { gte: DateTime lte: DateTime }
    type PageInfo { hasNextPage: Boolean! endCursor: String }
    type OrderCountableEdge { node: Order! }
    type OrderCountableConnection { edges: [OrderCountableEdge!]! pageInfo: PageInfo! }
    enum OrderStatus { DRAFT UNCONFIRMED UNFULFILLED PARTIALLY_FULFILLED PARTIALLY_RETURNED
                       RETURNED FULFILLED CANCELED EXPIRED }
    enum LanguageCodeEnum { EN EN_US UK UK_UA RU RU_RU }
    type Money { amount: Float! currency: String! }
    type TaxedMoney { gross: Money! }
    type Address { firstName: String! lastName: String! phone: String }
    type OrderLine { productName: String! variantName: String! quantity: Int! }
    type Fulfillment { id: ID! status: String! trackingNumber: String! created: DateTime! }
    type Order { id: ID! number: String! status: OrderStatus! created: DateTime!
                 updatedAt: DateTime! userEmail: String languageCodeEnum: LanguageCodeEnum!
                 total: TaxedMoney! billingAddress: Address shippingAddress: Address
                 lines: [OrderLine!]! fulfillments: [Fulfillment!]! }
    type OrderCreated implements Event { issuedAt: DateTime order: Order }
    type OrderConfirmed implements Event { issuedAt: DateTime order: Order }
    type OrderUpdated implements Event { issuedAt: DateTime order: Order }
    type OrderFulfilled implements Event { issuedAt: DateTime order: Order }
    type OrderCancelled implements Event { issuedAt: DateTime order: Order }
    type OrderExpired implements Event { issuedAt: DateTime order: Order }
    type FulfillmentCreated implements Event { issuedAt: DateTime order: Order }
    """
)


def checked(request: StubRequest) -> dict[str, object]:
    """The GraphQL body, after checking it is a valid document with the app's token."""
    assert request.headers["Authorization"] == "Bearer app-token"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json()
    assert validate(SCHEMA, parse(body["query"])) == []
    return body


def test_the_app_documents_are_valid_against_saleors_schema() -> None:
    assert validate(SCHEMA, parse(SUBSCRIPTION)) == []
    assert validate(SCHEMA, parse(api.ORDERS_SINCE)) == []


def test_reconciliation_follows_the_pages_since_the_cursor(saleor: HttpStub) -> None:
    pages = [
        {"edges": [{"node": order("UNFULFILLED", id="A")}],
         "pageInfo": {"hasNextPage": True, "endCursor": "c1"}},
        {"edges": [{"node": order("CANCELED", id="B")}],
         "pageInfo": {"hasNextPage": False, "endCursor": None}},
    ]  # fmt: skip

    def answer(request: StubRequest) -> tuple[int, dict[str, str], object]:
        body = checked(request)
        variables = body["variables"]
        assert isinstance(variables, dict) and variables["since"] == SINCE.isoformat()
        return 200, {}, {"data": {"orders": pages[0 if variables["after"] is None else 1]}}

    saleor.route("POST", "/graphql/", handler=answer)
    orders = list(api.orders_since(saleor.url_for("/graphql/"), "app-token", SINCE))
    events = [
        e for o in orders for e in webhooks.order_events(o, f"poll:{o['id']}", o["updatedAt"])
    ]
    assert [(e.order_id, e.status) for e in events] == [
        ("A", Status.PLACED),
        ("B", Status.CANCELLED),
    ]
    assert [r.json()["variables"]["after"] for r in saleor.requests_to("POST", "/graphql/")] == [
        None,
        "c1",
    ]


def test_a_refused_app_token_is_a_config_error(saleor: HttpStub) -> None:
    saleor.route("POST", "/graphql/", status=401, json={"errors": [{"message": "bad token"}]})
    with pytest.raises(ConfigError, match="app_token"):
        api.app_id(saleor.url_for("/graphql/"), "app-token")


def test_graphql_errors_are_worth_asking_again(saleor: HttpStub) -> None:
    saleor.route("POST", "/graphql/", json={"data": None, "errors": [{"message": "boom"}]})
    with pytest.raises(api.SaleorApiError):
        api.app_id(saleor.url_for("/graphql/"), "app-token")


def test_the_manifest_points_saleor_at_this_shops_urls() -> None:
    doc = manifest("https://wismo.example/", "shop_abc")
    assert doc["tokenTargetUrl"] == "https://wismo.example/saleor/shop_abc/register"
    (hook,) = doc["webhooks"]
    assert hook["targetUrl"] == "https://wismo.example/webhooks/saleor/shop_abc"
    assert "ORDER_FULFILLED" in hook["asyncEvents"] and doc["permissions"] == ["MANAGE_ORDERS"]
