"""Cancelled, refunded and pickup-point orders, problem reports and the pages around the
tracking page, in headless Chromium at phone and desktop widths in en, uk and ru."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.domain.events import ShipmentInfo
from core.domain.statuses import Status
from core.links import UNSUBSCRIBE
from core.storage.models import Customer, ProblemReport
from tests.conftest import add_shop
from tests.shopper.orders import PEOPLE, push, track_path
from tests.support.browser import screenshot
from tests.webapp.admin.helpers import make_staff
from tests.webapp.admin.test_browser import sign_in

WIDTHS = (390, 1280)
LOCALES = ("en", "uk", "ru")
REASON = {"en": "The item is out of stock", "uk": "Товару немає в наявності", "ru": "Товара нет"}
NEXT = {"en": "What happens next", "uk": "Що далі", "ru": "Что дальше"}
ARRIVE = {
    "en": "When will my order arrive?",
    "uk": "Коли прийде моє замовлення?",
    "ru": "Когда придёт мой заказ?",
}
PICKED = {"en": "Picked up", "uk": "Отримано", "ru": "Получен"}
BY = {"en": "Pick up by", "uk": "Заберіть до", "ru": "Заберите до"}
POINT = {"name": "Parcel locker 5512", "address": "Khreshchatyk 22, Kyiv", "hours": "24/7"}


def shop_with_branding(c, **extra):
    return add_shop(
        c,
        name="Chai & Kettle",
        timezone="Europe/Kyiv",
        branding={
            "brand_color": "#b45309",
            "store_url": "https://chai.example",
            "support_email": "help@chai.example",
        },
        **extra,
    )


def viewport(browser, width, locale):
    return browser.new_context(viewport={"width": width, "height": 900}, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_cancelled_then_refunded_order_at_both_widths(
    sqlite_container, live_app, browser, locale
):
    c = sqlite_container
    shop = shop_with_branding(c)
    push(c, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE[locale])
    push(c, shop.shop.id, "1001", Status.CANCELLED, 2, reason=REASON[locale])
    order_id = push(c, shop.shop.id, "1001", Status.REFUNDED, 3)
    base = live_app(c)
    for width in WIDTHS:
        context = viewport(browser, width, locale)
        page = context.new_page()
        try:
            page.goto(base + track_path(c, shop.shop.id, order_id))
            assert REASON[locale] in page.locator(".status-card").inner_text()
            assert page.locator("#next-step").is_visible()
            assert NEXT[locale] in page.locator("#next-step").inner_text()
            assert page.locator("#feedback").count() == 0 and page.locator(".parcel").count() == 0
            assert ARRIVE[locale] not in page.content()
            assert page.locator("#pr-kind").input_value() == "refund"
            assert page.locator("input[value=email_optional]").count() == 0
            overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth")
            assert not overflow
            screenshot(page, f"track-refunded-{locale}-{width}")
        finally:
            context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_pickup_order_at_both_widths(sqlite_container, live_app, browser, locale):
    c = sqlite_container
    shop = shop_with_branding(c)
    locker = ShipmentInfo(
        id="p1",
        carrier="Nova Poshta",
        tracking_number="20450012345678",
        pickup_point={**POINT, "keep_until": "2026-11-29"},
    )
    push(c, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE[locale])
    push(c, shop.shop.id, "1001", Status.SHIPPED, 5, shipment=locker)
    order_id = push(c, shop.shop.id, "1001", Status.READY_FOR_PICKUP, 30, shipment=locker)
    base = live_app(c)
    for width in WIDTHS:
        context = viewport(browser, width, locale)
        page = context.new_page()
        try:
            page.goto(base + track_path(c, shop.shop.id, order_id))
            labels = page.locator(".step-label").all_inner_texts()
            assert labels[-1] == PICKED[locale] and len(labels) == 6
            assert page.locator(".step.current .step-label").inner_text() == labels[-2]
            assert BY[locale] in page.locator(".status-card").inner_text()
            pickup = page.locator(".pickup").inner_text()
            assert POINT["address"] in pickup and "24/7" in pickup
            overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth")
            assert not overflow
            screenshot(page, f"track-pickup-{locale}-{width}")
        finally:
            context.close()


def test_a_report_from_the_page_lands_in_the_admin_inbox_and_is_handled(
    sqlite_container, live_app, browser
):
    c = sqlite_container
    shop = shop_with_branding(c)
    make_staff(c, shop.shop.id, "owner@kettles.example")
    order_id = push(c, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["uk"])
    base = live_app(c)
    context = viewport(browser, 390, "uk")
    page = context.new_page()
    try:
        page.goto(base + track_path(c, shop.shop.id, order_id))
        page.locator("#pr-kind").select_option("change_address")
        page.locator("#pr-message").fill("Доставте, будь ласка, на роботу: Хрещатик, 1")
        page.get_by_role("button", name="Надіслати в магазин").click()
        assert page.locator("#problem [role=status]").is_visible()
        screenshot(page, "track-problem-sent-uk-390")
        with c.session() as s:
            assert s.scalar(select(ProblemReport.state)) == "forwarded"  # to the dev outbox
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if width == WIDTHS[0]:
                sign_in(page, base)
            page.goto(base + "/admin/problems")
            row = page.locator("#problem-reports tbody tr").first
            assert (
                "Хрещатик, 1" in row.inner_text() and "переслано" in row.inner_text()
            )  # admin in uk
            assert "1" in page.locator(".admin-nav .count").inner_text()
            assert not page.evaluate("document.documentElement.scrollWidth > innerWidth")
            screenshot(page, f"admin-problems-{width}")
        page.get_by_role("button", name="Позначити як вирішене").click()
        assert "Відкритих звернень немає." in page.locator("#problem-reports").inner_text()
        assert page.locator(".admin-nav .count").count() == 0
        page.goto(base + f"/admin/orders/{order_id}")
        assert "Вирішено" in page.locator("#problem-reports").inner_text()
        screenshot(page, "admin-order-problems-1280")
    finally:
        context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_lookup_failure_broken_link_and_unsubscribe_pages(
    sqlite_container, live_app, browser, locale
):
    c = sqlite_container
    shop = shop_with_branding(c)
    push(c, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE[locale])
    with c.session() as s:
        customer_id = s.scalar(select(Customer.id))
    base = live_app(c)
    for width in WIDTHS:
        context = viewport(browser, width, locale)
        page = context.new_page()
        try:
            page.goto(f"{base}/track?shop={shop.shop.key}")
            page.locator("#lk-number").fill("#1001")
            page.locator("#lk-contact").fill("wrong@example.com")
            page.locator("form.form button[type=submit]").click()
            assert page.locator("[role=alert]").is_visible()
            assert page.locator("#lk-number").input_value() == "#1001"
            assert page.locator("#lk-contact").input_value() == ""
            screenshot(page, f"track-lookup-failed-{locale}-{width}")
            page.goto(base + "/track/an.outdated.link")
            page.locator("main a.button").click()
            assert page.url.endswith("/track") and page.locator("#lk-number").is_visible()
            token = c.links.token(UNSUBSCRIBE, shop.shop.id, customer_id)
            page.goto(f"{base}/unsubscribe/{token}")
            assert "Chai & Kettle" in page.locator(".shopbar").inner_text()
            assert page.locator(".shopbar a").get_attribute("href") == "https://chai.example"
            screenshot(page, f"unsubscribe-{locale}-{width}")
            page.locator(".back-links a").last.click()
            assert page.locator("#lk-number").is_visible()  # the shop's own lookup form
            assert "Chai & Kettle" in page.locator(".shopbar").inner_text()
        finally:
            context.close()
