"""Shopify's published payloads in, canonical events out (pure: no database, no HTTP)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from adapters.shopify import ShopifyAdapter, webhooks
from core.adapters import InboundRequest
from core.domain.statuses import Status
from core.errors import InvalidSignature, MalformedPayload
from tests.adapters.shopify.conftest import PREVIOUS, SECRET, fixture, sign

HEADERS = {"X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"}


def new_order(**changes):
    """orders/create as Shopify sends it: the sample order, not yet cancelled."""
    order = fixture("shopify_dev_webhook_sample_orders_updated_2026-07.json")
    order.update(cancelled_at=None, cancel_reason=None, financial_status="pending")
    order.update(changes)
    return order


def test_orders_create_is_placed_with_number_shopper_items_total_and_language():
    (event,) = webhooks.parse("orders/create", new_order(customer_locale="uk-UA"), HEADERS)
    assert event.status == Status.PLACED
    assert event.order_id == "820982911946154508"
    assert event.number == "#9999"
    assert event.occurred_at == datetime(2022, 1, 1, 0, 0, tzinfo=UTC)
    assert event.customer.email == "jon@example.com"
    assert event.customer.name == "John Smith"
    assert event.customer.external_id == "115310627314723954"
    assert event.locale == "uk-UA"
    assert event.total == "414.95" and event.currency == "USD"
    assert event.items[0]["name"] and event.items[0]["quantity"] >= 1
    assert event.extra["order_status_url"].startswith("https://jsmith.myshopify.com/")
    assert event.event_key == "wh:b54557e4-bdd9-4b37-8a5f-bf7d70bcd043:orders/create"
    assert event.shipping_total == "10.00"  # total_shipping_price_set, presentment money
    assert event.placed_at == datetime(2022, 1, 1, 0, 0, tzinfo=UTC)  # created_at, -05:00


def test_orders_cancelled_carries_the_reason_in_the_shoppers_words():
    order = fixture("shopify_dev_webhook_sample_orders_updated_2026-07.json")
    order["customer_locale"] = "ru"
    (event,) = webhooks.parse("orders/cancelled", order, HEADERS)
    assert event.status == Status.CANCELLED
    assert event.reason == "отменён по вашей просьбе"
    assert event.occurred_at == datetime(2022, 1, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("topic", "changes", "status"),
    [
        ("orders/paid", {"financial_status": "paid"}, Status.PROCESSING),
        ("orders/updated", {"financial_status": "paid"}, Status.PROCESSING),
        ("orders/updated", {"financial_status": "refunded"}, Status.REFUNDED),
        ("orders/updated", {"financial_status": "pending", "note": "gift wrap"}, None),
    ],
)
def test_order_topics_map_to_what_the_shopper_sees(topic, changes, status):
    (event,) = webhooks.parse(topic, new_order(**changes), HEADERS)
    assert event.status == status


def test_fulfillments_create_is_a_parcel_with_carrier_number_and_link():
    (event,) = webhooks.parse(
        "fulfillments/create",
        fixture("shopify_dev_webhook_sample_fulfillments_create_2026-07.json"),
        HEADERS,
    )
    assert event.status == Status.SHIPPED
    assert event.order_id == "820982911946154508"
    assert event.number == "#9999"
    s = event.shipment
    assert (s.id, s.carrier, s.tracking_number) == ("123456", "UPS", "1z827wk74630")
    assert s.tracking_url.startswith("https://www.ups.com/WebTracking")
    assert s.items_count and s.items_count >= 2
    assert event.event_key.endswith(":fulfillment:123456")


@pytest.mark.parametrize(
    ("shipment_status", "status"),
    [
        ("label_printed", Status.SHIPPED),
        ("confirmed", Status.SHIPPED),
        ("in_transit", Status.IN_TRANSIT),
        ("out_for_delivery", Status.OUT_FOR_DELIVERY),
        ("attempted_delivery", Status.ATTEMPTED_DELIVERY),
        ("ready_for_pickup", Status.READY_FOR_PICKUP),
        ("delivered", Status.DELIVERED),
        ("failure", Status.EXCEPTION),
    ],
)
def test_fulfillment_shipment_status_maps(shipment_status, status):
    f = fixture("shopify_dev_webhook_sample_fulfillments_create_2026-07.json")
    f["shipment_status"] = shipment_status
    (event,) = webhooks.parse("fulfillments/update", f, HEADERS)
    assert event.status == status


def test_a_cancelled_fulfillment_is_no_parcel_on_its_way():
    f = fixture("shopify_dev_webhook_sample_fulfillments_create_2026-07.json")
    f["status"] = "cancelled"
    (event,) = webhooks.parse("fulfillments/update", f, HEADERS)
    assert event.status is None


def test_several_tracking_numbers_are_kept_together():
    f = fixture("python_api_fixture_fulfillment.json")["fulfillment"]
    f["tracking_numbers"] = ["1Z2345", "1Z2346"]
    (event,) = webhooks.parse("fulfillments/create", f, HEADERS)
    assert event.shipment.tracking_number == "1Z2345, 1Z2346"
    assert event.shipment.carrier == "null-company"


def test_fulfillment_event_has_happened_at_and_the_estimated_delivery_date():
    e = fixture("shopify_dev_webhook_sample_fulfillment_events_create_2026-07.json")
    e["estimated_delivery_at"] = "2022-01-04T12:00:00-05:00"
    (event,) = webhooks.parse("fulfillment_events/create", e, HEADERS)
    assert event.status == Status.IN_TRANSIT
    assert event.shipment.id == "123456"
    assert event.occurred_at == datetime(2022, 1, 1, 0, 0, tzinfo=UTC)
    assert event.estimated_delivery == date(2022, 1, 4)
    assert event.shipment.estimated_delivery == date(2022, 1, 4)
    assert event.extra["message"] == "Item is now in transit"


def test_refund_is_refunded_with_the_amount():
    r = fixture("python_api_fixture_refund.json")["refund"]
    (event,) = webhooks.parse("refunds/create", r, HEADERS)
    assert event.status == Status.REFUNDED
    assert event.order_id == str(r["order_id"])
    assert event.refund_amount == "209.00"  # its one successful refund transaction


@pytest.mark.parametrize(
    ("topic", "status"),
    [
        ("returns/request", Status.RETURN_REQUESTED),
        ("returns/close", Status.RETURNED),
    ],
)
def test_returns_follow_the_return_path(topic, status):
    payload = {
        "id": 2,
        "admin_graphql_api_id": "gid://shopify/Return/2",
        "order": {
            "id": 820982911946154508,
            "admin_graphql_api_id": "gid://shopify/Order/820982911946154508",
        },
        "status": "open",
    }
    (event,) = webhooks.parse(topic, payload, HEADERS)
    assert (event.status, event.order_id) == (status, "820982911946154508")


def test_returns_decline_and_unknown_topics_say_nothing():
    assert webhooks.parse("returns/decline", {"order": {"id": 1}}, HEADERS) == []
    assert webhooks.parse("products/update", {"id": 1}, HEADERS) == []


def test_a_delivery_without_webhook_id_is_malformed():
    with pytest.raises(MalformedPayload):
        webhooks.parse("orders/create", new_order(), {})


# --- signatures ---------------------------------------------------------------------------


def test_the_hmac_of_the_raw_body_with_the_current_or_previous_secret_verifies():
    body = json.dumps(new_order()).encode()
    webhooks.verify(body, {"X-Shopify-Hmac-Sha256": sign(body)}, SECRET, PREVIOUS)
    webhooks.verify(body, {"x-shopify-hmac-sha256": sign(body, PREVIOUS)}, SECRET, PREVIOUS)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Shopify-Hmac-Sha256": "bm90IHRoZSBzaWduYXR1cmU="},
        {"X-Shopify-Hmac-Sha256": sign(b'{"id": 2}')},
        {"X-Shopify-Hmac-Sha256": sign(b"{}", "shpss_someone_else")},
    ],
)
def test_a_forged_or_missing_hmac_is_refused(headers):
    with pytest.raises(InvalidSignature):
        webhooks.verify(b"{}", headers, SECRET, PREVIOUS)


def test_a_known_vector_base64_hmac_sha256():
    # RFC 4231-style check of the encoding: HMAC-SHA256("key", "The quick brown fox...")
    body = b"The quick brown fox jumps over the lazy dog"
    expected = "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="
    webhooks.verify(body, {"X-Shopify-Hmac-Sha256": expected}, "key", None)


def test_the_adapter_contract_verifies_and_parses():
    body = json.dumps(new_order()).encode()
    request = InboundRequest(
        body=body,
        headers={
            "X-Shopify-Hmac-Sha256": sign(body),
            "X-Shopify-Topic": "orders/create",
            **HEADERS,
        },
    )
    adapter = ShopifyAdapter()
    adapter.verify(request, {"shopify_api_secret": SECRET})
    assert [e.status for e in adapter.parse(request, {})] == [Status.PLACED]


# --- issue 17 -------------------------------------------------------------------------------


def test_webhook_totals_are_the_shoppers_amount_in_the_shoppers_currency():
    """A 100 EUR order in a USD shop: the shopper reads 100.00 EUR, as reconciliation says."""
    order = new_order(
        currency="USD",
        presentment_currency="EUR",
        current_total_price="108.00",
        current_total_price_set={
            "shop_money": {"amount": "108.00", "currency_code": "USD"},
            "presentment_money": {"amount": "100.00", "currency_code": "EUR"},
        },
    )
    order["line_items"][0].update(
        price="54.00",
        price_set={
            "shop_money": {"amount": "54.00", "currency_code": "USD"},
            "presentment_money": {"amount": "50.00", "currency_code": "EUR"},
        },
    )
    (event,) = webhooks.parse("orders/create", order, HEADERS)
    assert (event.total, event.currency) == ("100.00", "EUR")
    assert event.items[0]["price"] == "50.00"


def test_webhook_items_use_current_quantity_and_drop_removed_lines():
    order = new_order()
    order["line_items"][0].update(quantity=3, current_quantity=1)
    for line in order["line_items"][1:]:
        line.update(quantity=2, current_quantity=0)
    (event,) = webhooks.parse("orders/create", order, HEADERS)
    assert [i["quantity"] for i in event.items] == [1]


@pytest.mark.parametrize(
    ("status", "shown", "parcel", "expected"),
    [
        ("success", "failure", True, Status.EXCEPTION),
        ("SUCCESS", "FAILURE", True, Status.EXCEPTION),
        ("failure", None, False, None),
        ("SUCCESS", "LABEL_VOIDED", False, None),
        ("SUCCESS", "FULFILLED", True, Status.SHIPPED),
        ("success", None, True, Status.SHIPPED),
        ("SUCCESS", "DELIVERED", True, Status.DELIVERED),
    ],
)
def test_one_fulfillment_mapping_for_webhooks_and_reconciliation(status, shown, parcel, expected):
    from adapters.shopify import graphql, statuses

    assert statuses.parcel_status(status, shown) == (parcel, expected)
    rest = fixture("shopify_dev_webhook_sample_fulfillments_create_2026-07.json")
    rest.update(status=status.lower(), shipment_status=shown.lower() if shown else None)
    (hook,) = webhooks.parse("fulfillments/create", rest, HEADERS)
    node = {
        "id": "gid://shopify/Fulfillment/1",
        "status": status.upper(),
        "displayStatus": shown.upper() if shown else None,
        "updatedAt": "2026-11-21T12:00:00Z",
    }
    order = {
        "id": "gid://shopify/Order/1",
        "createdAt": "2026-11-21T10:00:00Z",
        "updatedAt": "2026-11-21T12:00:00Z",
        "fulfillments": [node],
    }
    parcels = graphql.order_events(order)[1:]
    assert hook.status == expected
    assert [e.status for e in parcels] == ([expected] if parcel else [])
