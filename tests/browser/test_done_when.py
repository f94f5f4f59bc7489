"""Issue 6's "done when", tried as a new user would, over HTTP against the running app.

An order comes in through the event API; its email (real SMTP) links to the tracking page,
which opens with the right timeline and language; the storefront widget shows the same on
a host page; an SMS opt-out on the page stops SMS; the answer endpoint answers
"где мой заказ 1001?" in Russian.
"""

from __future__ import annotations

import re

import requests
from sqlalchemy import select

from core.services.shops import update_settings
from core.storage.models import Notification, Shop
from core.storefront import sign_storefront_token
from tests.conftest import add_shop
from tests.support.browser import screenshot

from .test_widget_browser import host_page


def send(base: str, api_key: str, event_id: str, status: str, at: str, **order) -> None:
    body = {
        "event_id": event_id,
        "order": {
            "id": "1001",
            "number": "#1001",
            "status": status,
            "occurred_at": at,
            "customer": {
                "name": "Анна Смирнова",
                "email": "anna@example.com",
                "phone": "+380501234567",
                "locale": "ru",
            },
            **order,
        },
    }
    response = requests.post(
        f"{base}/api/v1/orders/events",
        json=body,
        timeout=10,
        headers={"Authorization": f"Bearer {api_key}"},
    )
    assert response.status_code == 202, response.text


def test_order_from_the_event_api_to_page_widget_opt_out_and_answer(
    sqlite_container, live_app, page, smtp_server, http_stub
):
    c = sqlite_container
    shop = add_shop(
        c,
        name="Чайники и Ко",
        policy={"matrix": {"shipped": {"sms": True}, "delivered": {"sms": True}}},
    )
    with c.session() as s:
        update_settings(
            s.get(Shop, shop.shop.id),
            channels={
                "email": [{"provider": "smtp", "url": smtp_server.url + "?from=shop@example.com"}]
            },
        )
        s.commit()
    base = live_app(c)
    send(
        base,
        shop.api_key,
        "e1",
        "placed",
        "2026-11-20T10:00:00+02:00",
        items=[{"name": "Чайник", "quantity": 1, "price": "1250.00"}],
        currency="UAH",
        total="1250.00",
    )
    send(
        base,
        shop.api_key,
        "e2",
        "shipped",
        "2026-11-21T10:00:00+02:00",
        shipment={
            "id": "p1",
            "carrier": "Нова Пошта",
            "tracking_number": "20450012345678",
            "estimated_delivery": "2026-11-24",
        },
    )
    placed, shipped = smtp_server.wait_for(2)
    html = shipped.message.get_body(("html",)).get_content()
    link = re.search(r'href="(http://wismo\.test/track/[^"]+)"', html).group(1)

    # 1. the link in the email opens the page, in Russian, with the right timeline
    page.goto(base + link.removeprefix("http://wismo.test"))
    assert page.evaluate("document.documentElement.lang") == "ru"
    assert "Отправлен" in page.locator("h1").inner_text()
    assert page.locator("ol.history li .tl-title").all_inner_texts() == [
        "Отправлен",
        "Заказ оформлен",
    ]
    assert "24 ноября 2026" in page.locator("main").inner_text()
    screenshot(page, "done-when-page")

    # 2. the widget on a shop's page shows the same
    widget = page.context.new_page()
    token = sign_storefront_token(shop.webhook_secret, shop.shop.key, "1001")
    widget.goto(host_page(http_stub, base, f'data-token="{token}"'))
    widget.locator(".wismo-widget h3").wait_for()
    assert widget.locator(".wismo-widget h3").inner_text() == "Отправлен"
    assert widget.locator(".wismo-widget ol li").count() == 2
    screenshot(widget, "done-when-widget")

    # 3. an SMS opt-out on the page stops SMS: the delivered SMS is never planned
    page.get_by_label("SMS-сообщения").uncheck()
    page.get_by_role("button", name="Сохранить").click()
    assert page.locator("#prefs-confirm").is_visible()  # switching off is confirmed first
    page.locator("form:has(input[name=confirm]) button[type=submit]").click()
    assert page.get_by_text("Настройки сохранены.").is_visible()
    send(base, shop.api_key, "e3", "delivered", "2026-11-23T10:00:00+02:00", shipment={"id": "p1"})
    with c.session() as s:
        sms = dict(
            s.execute(
                select(Notification.status, Notification.state).where(Notification.channel == "sms")
            ).all()
        )
    assert sms == {"shipped": "sent"}  # before the opt-out; nothing after it
    delivered = smtp_server.wait_for(3)[2].message
    assert "#feedback" in delivered.get_body(("plain",)).get_content()

    # 4. the answer endpoint answers in Russian
    reply = requests.post(
        f"{base}/api/v1/wismo/answer",
        timeout=10,
        headers={"Authorization": f"Bearer {shop.api_key}"},
        json={"message": "где мой заказ 1001?", "email": "anna@example.com"},
    )
    assert reply.status_code == 200
    assert reply.json()["answer"].startswith("Заказ #1001: Доставлен.")
    assert reply.json()["language"] == "ru"
