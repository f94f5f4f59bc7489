"""Saleor webhooks: the detached JWS checked against the store's JWKS, events out."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from wismo.sdk import ConfigError, InvalidSignature, Status
from wismo.sdk.testing import HttpStub

from wismo_saleor import SaleorAdapter, api

from .samples import OTHER_KEY, jwks, payload, signed


def test_a_fulfilled_order_webhook_becomes_a_shipped_event(saleor: HttpStub) -> None:
    api_url = saleor.url_for("/graphql/")
    request = signed(payload(), api_url)
    SaleorAdapter().verify(request, {"api_url": api_url})
    (event,) = SaleorAdapter().parse(request, {})
    assert event.status is Status.SHIPPED and event.number == "42" and event.locale == "uk"
    assert event.event_key.startswith("OrderFulfilled:T3JkZXI6")
    assert event.customer is not None and event.customer.name == "Olena Petrenko"
    assert event.shipment is not None and event.shipment.tracking_number == "20450000000000"
    assert (event.total, event.currency) == ("1250.0", "UAH")
    (fetch,) = saleor.requests_to("GET", "/.well-known/jwks.json")
    assert fetch.headers["Accept"] == "application/json"


def test_the_jwks_is_fetched_once_and_again_only_for_a_new_key(saleor: HttpStub) -> None:
    api_url = saleor.url_for("/graphql/")
    for _ in range(3):
        SaleorAdapter().verify(signed(payload(), api_url), {"api_url": api_url})
    assert len(saleor.requests_to("GET", "/.well-known/jwks.json")) == 1
    # the store rotated its key: the new kid makes us fetch once more, and it verifies
    saleor.route("GET", "/.well-known/jwks.json", json=jwks(OTHER_KEY, "rotated"))
    api._jwks_cache.clear()
    SaleorAdapter().verify(signed(payload(), api_url, OTHER_KEY, "rotated"), {"api_url": api_url})


def test_a_webhook_from_another_saleor_is_refused(saleor: HttpStub) -> None:
    api_url = saleor.url_for("/graphql/")
    request = signed(payload(), "https://someone-else.example/graphql/")
    with pytest.raises(InvalidSignature, match="another Saleor"):
        SaleorAdapter().verify(request, {"api_url": api_url})


def test_a_signature_by_an_unknown_key_or_another_algorithm_is_refused(saleor: HttpStub) -> None:
    api_url = saleor.url_for("/graphql/")
    with pytest.raises(InvalidSignature):
        SaleorAdapter().verify(signed(payload(), api_url, OTHER_KEY, "nope"), {"api_url": api_url})
    hs256 = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..c2ln"
    request = signed(payload(), api_url)
    forged = replace(request, headers={**request.headers, "Saleor-Signature": hs256})
    with pytest.raises(InvalidSignature, match="RS256"):
        SaleorAdapter().verify(forged, {"api_url": api_url})


def test_a_shop_without_its_api_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="api_url"):
        SaleorAdapter().verify(signed(payload(), "http://x/graphql/"), {})


def test_a_draft_or_expired_order_sends_nothing(saleor: HttpStub) -> None:
    for status in ("DRAFT", "EXPIRED", "PARTIALLY_RETURNED"):
        assert SaleorAdapter().parse(signed(payload(status), "http://x/"), {}) == []


def test_an_order_created_webhook_is_a_placed_event_without_a_parcel() -> None:
    body = json.loads(payload("UNFULFILLED", "OrderCreated"))
    body["order"]["fulfillments"] = []
    (event,) = SaleorAdapter().parse(signed(json.dumps(body).encode(), "http://x/"), {})
    assert event.status is Status.PLACED and event.shipment is None
