"""Cancelled and refunded orders: the reason, what happens to the money, nothing about delivery."""

from __future__ import annotations

import re

import pytest

from core.domain.statuses import Status
from tests.conftest import add_shop
from webapp import create_app

from .orders import PEOPLE, push, track_path

DELIVERY_WORDS = {
    "en": ("When will my order arrive?", "My order has not arrived", "Progress emails"),
    "ru": ("Когда придёт мой заказ?", "Заказ не пришёл", "Письма о ходе доставки"),
    "uk": ("Коли прийде моє замовлення?", "Замовлення не прийшло", "Листи про хід доставки"),
}
CLOSED_WORDS = {
    "en": ("What happens next", "within 5\u201310 business days", "When will I get my money back?"),
    "ru": ("Что дальше", "в течение 5\u201310 рабочих дней", "Когда вернутся деньги?"),
    "uk": ("Що далі", "протягом 5\u201310 робочих днів", "Коли повернуться гроші?"),
}


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


def _page(client, container, shop_id, order_id) -> str:
    response = client.get(track_path(container, shop_id, order_id))
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("locale", ["en", "ru", "uk"])
def test_a_cancelled_order_shows_its_reason_and_the_refund_not_the_delivery(
    container, client, locale
):
    shop = add_shop(container)
    push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE[locale])
    order_id = push(container, shop.shop.id, "1001", Status.CANCELLED, 2, reason="Out of stock")
    html = _page(client, container, shop.shop.id, order_id)
    assert "Out of stock" in html
    for text in CLOSED_WORDS[locale]:
        assert text in html, text
    for text in DELIVERY_WORDS[locale]:
        assert text not in html, text
    assert 'id="feedback"' not in html and "★" not in html  # no stars
    options = re.findall(r'<option value="(\w+)"', html)
    assert options == ["refund", "other"]  # nothing preselected about a parcel


def test_a_refund_after_delivery_offers_no_rating_and_no_parcel(container, client):
    shop = add_shop(container, branding={"refund_days": "3\u20135"})
    push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    push(container, shop.shop.id, "1001", Status.SHIPPED, 2)
    push(container, shop.shop.id, "1001", Status.DELIVERED, 30)
    order_id = push(container, shop.shop.id, "1001", Status.REFUNDED, 60, shipment=None)
    html = _page(client, container, shop.shop.id, order_id)
    assert "Refunded" in html and "has refunded your payment" in html
    assert "within 3\u20135 business days" in html  # the merchant's own refund timing
    assert 'id="feedback"' not in html
    assert "Track on the carrier" not in html and "20450012345678" not in html
    assert "Estimated delivery" not in html


def test_a_cancellation_shows_its_own_reason_never_an_earlier_delays(container, client):
    shop = add_shop(container)
    push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    push(container, shop.shop.id, "1001", Status.DELAYED, 1, reason="Storm at the hub")
    order_id = push(container, shop.shop.id, "1001", Status.CANCELLED, 2)
    html = _page(client, container, shop.shop.id, order_id)
    assert "Storm at the hub" not in html and "Reason" not in html
    assert "What happens next" in html


def test_a_refund_after_a_cancellation_keeps_the_cancellation_reason(container, client):
    shop = add_shop(container)
    push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["uk"])
    push(container, shop.shop.id, "1001", Status.CANCELLED, 1, reason="Немає в наявності")
    order_id = push(container, shop.shop.id, "1001", Status.REFUNDED, 2)
    html = _page(client, container, shop.shop.id, order_id)
    assert "Немає в наявності" in html and "Магазин повернув оплату" in html


def test_a_shopper_can_still_ask_about_the_refund(container, client):
    from sqlalchemy import select

    from core.storage.models import ProblemReport

    shop = add_shop(container)
    push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    order_id = push(container, shop.shop.id, "1001", Status.CANCELLED, 1)
    sent = client.post(
        track_path(container, shop.shop.id, order_id) + "/problem",
        data={"kind": "refund", "message": "No money back yet"},
    )
    assert sent.status_code == 303
    with container.session() as s:
        assert s.scalar(select(ProblemReport.kind)) == "refund"
