"""The tracking page in headless Chromium: every status family and locale, the forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.domain.statuses import Status
from core.links import UNSUBSCRIBE
from core.storage.models import Customer, Feedback, OptOut
from tests.conftest import add_shop
from tests.shopper.orders import JOURNEYS, PEOPLE, XSS, order_in, push, track_path
from tests.support.browser import screenshot

HEADLINES = {
    ("progress", "en"): "In transit",
    ("progress", "ru"): "В пути",
    ("progress", "uk"): "У дорозі",
    ("delivered", "en"): "Delivered",
    ("delivered", "ru"): "Доставлен",
    ("delivered", "uk"): "Доставлено",
    ("problem", "en"): "Shipped",
    ("problem", "ru"): "Отправлен",
    ("problem", "uk"): "Відправлено",
    ("cancelled", "en"): "Cancelled",
    ("cancelled", "ru"): "Отменён",
    ("cancelled", "uk"): "Скасовано",
}


def third_party(page, base):
    """Collects every request the page makes to anywhere but Wismo itself."""
    foreign: list[str] = []
    page.on("request", lambda r: r.url.startswith(base) or foreign.append(r.url))
    return foreign


@pytest.mark.parametrize(("family", "locale"), sorted(HEADLINES))
def test_tracking_page_in_each_status_family_and_locale(
    sqlite_container, live_app, page, family, locale
):
    shop = add_shop(sqlite_container, branding={"support_email": "help@shop.example"})
    order_id = order_in(sqlite_container, shop.shop.id, "1001", family, locale)
    base = live_app(sqlite_container)
    foreign = third_party(page, base)
    page.goto(base + track_path(sqlite_container, shop.shop.id, order_id))
    assert page.evaluate("document.documentElement.lang") == locale
    heading = page.locator("h1").inner_text()
    assert HEADLINES[family, locale] in heading
    assert page.locator("ol.history li").count() == len(JOURNEYS[family])  # every milestone
    if family == "problem":
        assert page.get_by_role("status").first.is_visible()  # the delay, its reason, new date
    assert page.locator("#feedback").count() == (1 if family == "delivered" else 0)
    assert foreign == []
    screenshot(page, f"track-{family}-{locale}")


def test_works_without_javascript_and_every_field_has_a_label(sqlite_container, live_app, browser):
    shop = add_shop(sqlite_container)
    order_id = order_in(sqlite_container, shop.shop.id, "1001", "delivered", "en")
    base = live_app(sqlite_container)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(base + track_path(sqlite_container, shop.shop.id, order_id))
        for field in page.locator(
            "main input:not([type=hidden]), main textarea, main select"
        ).all():
            label = field.evaluate(
                "el => (el.labels && el.labels.length) ? el.labels[0].innerText : ''"
            )
            assert label.strip(), field.evaluate("el => el.outerHTML")
        page.get_by_label("4 of 5 stars").check(force=True)
        page.get_by_role("button", name="Send feedback").click()
        assert page.get_by_text("Thank you for your feedback!").is_visible()
        screenshot(page, "track-no-javascript-feedback")
    finally:
        context.close()
    with sqlite_container.session() as s:
        assert s.scalars(select(Feedback.rating)).all() == [4]


def test_lookup_success_and_uniform_failure(sqlite_container, live_app, page):
    shop = add_shop(sqlite_container)
    order_in(sqlite_container, shop.shop.id, "1001", "progress", "ru")
    base = live_app(sqlite_container)
    page.goto(base + "/track")
    page.get_by_label("Order number").fill("1001")
    page.get_by_label("Email or phone").fill("wrong@example.com")
    page.get_by_role("button", name="Show my order").click()
    failure = page.get_by_role("alert").inner_text()
    assert "could not find" in failure
    screenshot(page, "lookup-failure")
    page.get_by_label("Order number").fill("#1001")
    page.get_by_label("Email or phone").fill("050 123 45 67")
    page.get_by_role("button", name="Show my order").click()
    assert "В пути" in page.locator("h1").inner_text()
    assert "src=lookup" in page.url
    screenshot(page, "lookup-success")


def test_the_rate_limit_in_the_browser(sqlite_container, live_app, page):
    shop = add_shop(sqlite_container)
    order_in(sqlite_container, shop.shop.id, "1001", "progress", "en")
    base = live_app(sqlite_container, WISMO_LOOKUP_LIMIT_ORDER="2 per minute")
    page.goto(base + "/track")
    for _ in range(3):
        page.get_by_label("Order number").fill("1001")
        page.get_by_label("Email or phone").fill("guess@example.com")
        page.get_by_role("button", name="Show my order").click()
    assert "Too many attempts" in page.get_by_role("alert").inner_text()
    screenshot(page, "lookup-rate-limited")


def test_changing_preferences_stops_sms(sqlite_container, live_app, page):
    shop = add_shop(sqlite_container, policy={"matrix": {"shipped": {"sms": True}}})
    order_id = push(sqlite_container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["uk"])
    base = live_app(sqlite_container)
    page.goto(base + track_path(sqlite_container, shop.shop.id, order_id))
    sms = page.get_by_label("SMS-повідомлення")
    assert sms.is_checked()
    sms.uncheck()
    page.get_by_role("button", name="Зберегти").click()
    # switching a channel off from a (maybe forwarded) link is confirmed first (issue 16)
    assert page.locator("#prefs-confirm").is_visible()
    screenshot(page, "preferences-confirm-off")
    page.locator("form:has(input[name=confirm]) button[type=submit]").click()
    assert page.get_by_text("Налаштування збережено.").is_visible()
    assert not page.get_by_label("SMS-повідомлення").is_checked()
    screenshot(page, "preferences-saved")
    with sqlite_container.session() as s:
        assert s.scalars(select(OptOut.channel)).all() == ["sms"]


def test_one_click_unsubscribe(sqlite_container, live_app, page):
    shop = add_shop(sqlite_container)
    push(sqlite_container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    with sqlite_container.session() as s:
        customer_id = s.scalar(select(Customer.id))
    token = sqlite_container.links.token(UNSUBSCRIBE, shop.shop.id, customer_id)
    base = live_app(sqlite_container)
    page.goto(f"{base}/unsubscribe/{token}")
    with sqlite_container.session() as s:
        assert s.scalars(select(OptOut)).all() == []  # opening the link changes nothing
    page.get_by_role("button", name="Unsubscribe").click()
    assert "emma@example.com" in page.get_by_role("status").inner_text()
    screenshot(page, "unsubscribed")
    # what a mail client sends for RFC 8058 one-click, without any page
    response = page.request.post(
        f"{base}/unsubscribe/{token}", form={"List-Unsubscribe": "One-Click"}
    )
    assert response.status == 200
    with sqlite_container.session() as s:
        assert s.scalars(select(OptOut.channel)).all() == ["email_optional"]


def test_feedback_with_stars_and_comment(sqlite_container, live_app, page):
    shop = add_shop(sqlite_container)
    order_id = order_in(sqlite_container, shop.shop.id, "1001", "delivered", "ru")
    base = live_app(sqlite_container)
    page.goto(base + track_path(sqlite_container, shop.shop.id, order_id) + "#feedback")
    page.locator("label.star", has_text="5 из 5 звёзд").click()  # the visible star
    page.get_by_label("Комментарий (необязательно)").fill("Всё отлично <b>спасибо</b>")
    page.get_by_role("button", name="Отправить отзыв").click()
    assert page.get_by_text("Спасибо за отзыв!").is_visible()
    assert page.locator("#fb-comment").input_value() == "Всё отлично <b>спасибо</b>"
    screenshot(page, "feedback-sent")
    with sqlite_container.session() as s:
        (row,) = s.scalars(select(Feedback)).all()
    assert (row.rating, row.comment) == (5, "Всё отлично <b>спасибо</b>")


def test_hostile_names_are_text_on_the_page(sqlite_container, live_app, page):
    shop = add_shop(sqlite_container)
    customer = PEOPLE["en"].__class__(name=XSS, email="x@example.com", locale="en")
    order_id = push(
        sqlite_container,
        shop.shop.id,
        "1001",
        Status.PLACED,
        customer=customer,
        items=[{"name": XSS, "quantity": 1, "price": "1.00"}],
    )
    base = live_app(sqlite_container)
    page.goto(base + track_path(sqlite_container, shop.shop.id, order_id))
    assert page.evaluate("window.pwned") is None
    assert page.locator("main img[src=x]").count() == 0
    assert re.search(r"window\.pwned=1", page.locator(".items").inner_text())
