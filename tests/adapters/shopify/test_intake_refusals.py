"""Shopify orders holding values Wismo cannot store: recorded as refused, answered 200."""

from __future__ import annotations

from sqlalchemy import select

from core.storage.models import Order, OrderEvent

from .conftest import fixture, install


def test_an_order_with_an_unstorable_value_is_recorded_as_refused(shopify_container, deliver):
    install(shopify_container)
    order = fixture("shopify_dev_webhook_sample_orders_updated_2026-07.json")
    order["name"] = "#" + "9" * 70  # the order number shoppers see: 64 characters at most
    r = deliver("orders/updated", order)
    assert r.status_code == 200  # a 4xx would make Shopify retry, then drop the subscription
    assert r.json["rejected"] == 1 and "number" in r.json["errors"]
    with shopify_container.session() as s:
        ev = s.scalars(select(OrderEvent)).one()
        assert s.scalars(select(Order)).all() == []
    assert (ev.source, ev.outcome) == ("shopify", "rejected") and "number" in ev.last_error
