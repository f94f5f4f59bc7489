"""The one intake schema every adapter's events pass through (core/domain/intake.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.intake import LIMITS, InvalidEvent
from core.domain.statuses import Status
from core.storage import models

AT = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def event(**changes) -> OrderEventIn:
    fields = {
        "event_key": "k1",
        "source": "api",
        "order_id": "1001",
        "occurred_at": AT,
        "status": Status.PLACED,
        "number": "#1001",
        "customer": CustomerInfo(name="Olena", email="olena@example.com", locale="uk"),
        "items": [{"name": "Kettle", "quantity": 1, "price": "1250.00", "sku": "K-1"}],
        "total": "1250.00",
        "currency": "UAH",
    }
    fields.update(changes)
    return OrderEventIn(**fields)


def refused(**changes) -> dict[str, str]:
    with pytest.raises(InvalidEvent) as info:
        event(**changes)
    return info.value.errors


def test_the_limits_are_the_database_columns():
    columns = {
        "event_key": models.OrderEvent.event_key,
        "source": models.OrderEvent.source,
        "order_id": models.Order.external_id,
        "number": models.Order.number,
        "currency": models.Order.currency,
        "locale": models.Order.locale,
        "total": models.Order.total,
        "shipping_total": models.Order.shipping_total,
        "customer.name": models.Customer.name,
        "customer.email": models.Customer.email,
        "customer.phone": models.Customer.phone,
        "customer.locale": models.Customer.locale,
        "customer.timezone": models.Customer.timezone,
        "customer.external_id": models.Customer.external_id,
        "shipment.id": models.Shipment.external_id,
        "shipment.carrier": models.Shipment.carrier,
        "shipment.tracking_number": models.Shipment.tracking_number,
    }
    assert set(columns) == set(LIMITS)
    for name, column in columns.items():
        assert column.type.length == LIMITS[name], name
    assert models.OrderEvent.order_external_id.type.length == LIMITS["order_id"]


def test_an_ordinary_event_passes_unchanged():
    e = event()
    assert (e.number, e.total, e.currency, e.customer.name) == ("#1001", "1250.00", "UAH", "Olena")


def test_a_phone_as_the_shopper_typed_it_is_kept():
    typed = "+380 (50) 123-45-67, Viber, after 18:00"
    assert len(typed) == 39
    assert event(customer=CustomerInfo(phone=typed)).customer.phone == typed


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"number": "N" * 65}, "number"),
        ({"order_id": "9" * 101}, "order_id"),
        ({"event_key": "e" * 201}, "event_key"),
        ({"items": [{"name": "Kettle", "quantity": 2**31}]}, "items[0].quantity"),
        ({"items": [{"name": "Kettle", "quantity": 0}]}, "items[0].quantity"),
        ({"items": [{"name": "Kettle", "sku": []}]}, "items[0].sku"),
        ({"items": [{"name": "Kettle", "price": "1E+5000"}]}, "items[0].price"),
        ({"total": "1" * 33}, "total"),
        ({"total": "1E+1000"}, "total"),
        ({"total": "1e308"}, "total"),
        ({"total": "1e30"}, "total"),
        ({"total": "-1"}, "total"),
        ({"total": "NaN"}, "total"),
        ({"total": "12.345678"}, "total"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "USDT"}, "currency"),
        ({"currency": "euro"}, "currency"),
        ({"currency": 978}, "currency"),
        ({"customer": CustomerInfo(email={"address": "a@b.c"})}, "customer.email"),  # type: ignore[arg-type]
        ({"customer": CustomerInfo(phone="+380" + "5" * 100)}, "customer.phone"),
        ({"customer": CustomerInfo(timezone="Europe")}, "customer.timezone"),
        ({"customer": CustomerInfo(timezone="../../etc/passwd")}, "customer.timezone"),
        ({"customer": CustomerInfo(locale="en-" + "x" * 20)}, "customer.locale"),
        ({"locale": "uk-UA-" + "x" * 16}, "locale"),
        ({"locale": "<script>"}, "locale"),
        (
            {"shipment": ShipmentInfo(id="s1", tracking_number="2" * 101)},
            "shipment.tracking_number",
        ),
        ({"shipment": ShipmentInfo(id=123.5)}, "shipment.id"),  # type: ignore[arg-type]
        (
            {"shipment": ShipmentInfo(id="s1", tracking_url="javascript:alert(1)")},
            "shipment.tracking_url",
        ),
        ({"shipment": ShipmentInfo(id="s1", items_count=-1)}, "shipment.items_count"),
        (
            {"shipment": ShipmentInfo(id="s1", estimated_delivery=date(9999, 12, 31))},
            "shipment.estimated_delivery",
        ),
        ({"order_id": "10\x0001"}, "order_id"),
        (
            {"occurred_at": datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2)))},
            "occurred_at",
        ),
        ({"occurred_at": datetime(2026, 11, 22, 10, 0)}, "occurred_at"),
    ],
)
def test_a_value_that_cannot_be_stored_or_shown_is_refused_with_its_field(changes, field):
    assert field in refused(**changes)


def test_every_bad_field_is_reported_at_once_with_what_the_event_called_itself():
    with pytest.raises(InvalidEvent) as info:
        event(number="N" * 65, currency="euro", total="1e400")
    assert set(info.value.errors) == {"number", "currency", "total"}
    assert (info.value.event_key, info.value.order_id) == ("k1", "1001")


def test_free_text_loses_nul_control_characters_and_lone_surrogates():
    e = event(
        customer=CustomerInfo(name="Ol\x00ena\ud800 Petrenko\x07"),
        reason="late\x00\nagain",
        items=[{"name": "Ket\x00tle", "quantity": 1, "note": "a\x00b"}],
    )
    assert e.customer.name == "Olena Petrenko"
    assert e.reason == "late\nagain"
    assert e.items[0]["name"] == "Kettle" and e.items[0]["note"] == "ab"


def test_currency_and_money_are_normalised():
    e = event(currency=" eur ", total="1.25E+3", items=[{"name": "K", "price": 12}])
    assert (e.currency, e.total, e.items[0]["price"]) == ("EUR", "1250", "12")


def test_a_stored_event_round_trips_through_the_check():
    e = event(
        shipment=ShipmentInfo(id="s1", tracking_number="204", estimated_delivery=date(2026, 11, 25))
    )
    assert OrderEventIn.from_json(e.to_json()) == e
