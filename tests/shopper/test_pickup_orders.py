"""Orders for a pickup point: 'Ready for pickup → Picked up', the point and how long it waits."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.domain.events import ShipmentInfo
from core.domain.statuses import Status
from tests.conftest import add_shop
from webapp import create_app

from .orders import PEOPLE, push, track_path

POINT = {
    "name": "Поштомат 5512",
    "address": "Київ, Хрещатик 22",
    "hours": "24/7",
    "keep_until": "2026-11-29",
}
LOCKER = ShipmentInfo(
    id="p1",
    carrier="Nova Poshta",
    tracking_number="20450012345678",
    estimated_delivery=date(2026, 11, 24),
    pickup_point=POINT,
)


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


def steps(html: str) -> list[str]:
    return re.findall(r'<span class="step-label">([^<]*)</span>', html)


def current(html: str) -> str:
    return re.search(r'class="step current[^"]*"[^>]*>.*?step-label">([^<]*)<', html, re.S)[1]


@pytest.mark.parametrize(
    ("locale", "ready", "picked", "by", "kept", "courier"),
    [
        (
            "en",
            "Ready for pickup",
            "Picked up",
            "Pick up by",
            "November 29, 2026",
            "Out for delivery",
        ),
        (
            "uk",
            "Чекає у відділенні",
            "Отримано",
            "Заберіть до",
            "29 листопада 2026",
            "Передано кур",
        ),
        (
            "ru",
            "Ждёт в пункте выдачи",
            "Получен",
            "Заберите до",
            "29 ноября 2026",
            "Передан курьеру",
        ),
    ],
)
def test_a_pickup_order_shows_the_point_and_its_own_steps(
    container, client, locale, ready, picked, by, kept, courier
):
    shop = add_shop(container)
    push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE[locale])
    push(container, shop.shop.id, "1001", Status.SHIPPED, 5, shipment=LOCKER)
    path = track_path(
        container,
        shop.shop.id,
        push(container, shop.shop.id, "1001", Status.IN_TRANSIT, 9, shipment=LOCKER),
    )
    html = client.get(path).get_data(as_text=True)
    assert steps(html)[-2:] == [ready, picked] and courier not in html  # even before it arrives
    push(container, shop.shop.id, "1001", Status.READY_FOR_PICKUP, 30, shipment=LOCKER)
    html = client.get(path).get_data(as_text=True)
    assert current(html) == ready and len(steps(html)) == 6
    for text in ("Поштомат 5512", "Київ, Хрещатик 22", "24/7", by, kept):
        assert text in html, text
    push(container, shop.shop.id, "1001", Status.DELIVERED, 40, shipment=LOCKER)
    html = client.get(path).get_data(as_text=True)
    assert picked in re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1]
    assert current(html) == picked and by not in html


def test_a_courier_order_keeps_the_courier_steps(container, client):
    shop = add_shop(container)
    push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    order_id = push(container, shop.shop.id, "1001", Status.OUT_FOR_DELIVERY, 5)
    html = client.get(track_path(container, shop.shop.id, order_id)).get_data(as_text=True)
    assert steps(html)[-2:] == ["Out for delivery", "Delivered"]
    assert "Ready for pickup" not in html and "Picked up" not in html


def test_ready_for_pickup_without_a_named_point_still_gets_the_pickup_steps(container, client):
    shop = add_shop(container)
    push(container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    order_id = push(container, shop.shop.id, "1001", Status.READY_FOR_PICKUP, 5)
    html = client.get(track_path(container, shop.shop.id, order_id)).get_data(as_text=True)
    assert steps(html)[-2:] == ["Ready for pickup", "Picked up"]
    assert "Pick up by" not in html  # no storage deadline known: none invented
