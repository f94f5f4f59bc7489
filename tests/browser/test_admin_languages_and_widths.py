"""The admin as a merchant sees it on a phone and a laptop, in English, Ukrainian and Russian.

Every page is opened at 390 and 1280 px in each language; a page wider than the window
(`document.documentElement.scrollWidth > innerWidth`) fails the test. The browser's
language picks the admin's until the staff member chooses one, which then follows them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.services.problems import report_problem
from core.storage.models import Notification, Order, StaffUser
from tests.conftest import add_shop
from tests.support.browser import screenshot
from tests.webapp.admin.helpers import make_staff
from tests.webapp.admin.month import seed_month
from tests.webapp.admin.test_browser import sign_in

WIDTHS = (390, 1280)
HEADINGS = {  # the log's heading: the page is really in the language asked for
    "en": "Message log",
    "uk": "Журнал повідомлень",
    "ru": "Журнал сообщений",
}
PAGES = (
    "/admin/onboarding",
    "/admin/dashboard?from=2026-10-01&to=2026-10-31",
    "/admin/orders",
    "/admin/orders/{order}",
    "/admin/log",
    "/admin/log/dead",
    "/admin/log/{note}",
    "/admin/events/problems",
    "/admin/problems",
    "/admin/settings",
    "/admin/messages",
    "/admin/messages/email/shipped/uk",
    "/admin/messages/sms/delayed/ru",
    "/admin/account",
    "/admin/promise",
)


@pytest.fixture
def busy_shop(sqlite_container):
    """A shop with a month of orders, messages, a dead letter, feedback and a problem report."""
    c = sqlite_container
    new = add_shop(c, name="Чайники та Ко", locale="uk")
    make_staff(c, new.shop.id, "owner@kettles.example")
    seed_month(c, new.shop.id)
    with c.session() as s, s.begin():
        order = s.scalars(select(Order).order_by(Order.id)).first()
        report_problem(s, order, "change_address", "Доставте на роботу: вул. Хрещатик, 1, оф. 12")
    with c.session() as s:
        order_id = s.scalar(select(Order.id).order_by(Order.id))
        note_id = s.scalar(select(Notification.id).order_by(Notification.id.desc()))
    return {"order": order_id, "note": note_id}


@pytest.mark.parametrize("locale", ["en", "uk", "ru"])
def test_no_admin_page_scrolls_sideways_at_390_or_1280_px(
    sqlite_container, live_app, browser, busy_shop, locale
):
    base = live_app(sqlite_container)
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
        page = context.new_page()
        try:
            sign_in(page, base)
            wide = []
            for path in PAGES:
                page.goto(base + path.format(**busy_shop))
                assert page.locator("html").get_attribute("lang") == locale, path
                if page.evaluate("document.documentElement.scrollWidth > innerWidth"):
                    wide.append((path, page.evaluate("document.documentElement.scrollWidth")))
            assert wide == [], f"wider than {width} px in {locale}"
            page.goto(base + "/admin/log")
            assert page.locator("h1").inner_text() == HEADINGS[locale]
            screenshot(page, f"admin-log-{locale}-{width}")
        finally:
            context.close()


def test_the_log_fits_a_laptop_with_resend_visible_and_times_on_one_line(
    sqlite_container, live_app, browser, busy_shop
):
    base = live_app(sqlite_container)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="uk")
    page = context.new_page()
    try:
        sign_in(page, base)
        page.goto(base + "/admin/log")
        resend = page.locator("#log tbody tr").first.get_by_role("button", name="Надіслати ще раз")
        box = resend.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280
        stamp = page.locator("#log tbody tr .times .nowrap").first
        line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24")
        assert stamp.bounding_box()["height"] < 1.6 * line  # one line, not wrapped
    finally:
        context.close()


def test_a_phone_shows_the_log_as_cards_with_labels(sqlite_container, live_app, browser, busy_shop):
    base = live_app(sqlite_container)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru")
    page = context.new_page()
    try:
        sign_in(page, base)
        page.goto(base + "/admin/log")
        assert not page.locator("#log thead").is_visible()
        cells = page.locator("#log tbody tr").first.locator("td[data-label]")
        labels = cells.evaluate_all(
            "tds => tds.map(td => getComputedStyle(td, '::before').content)"
        )
        assert '"Статус: "' in labels and '"Канал: "' in labels
        assert cells.first.bounding_box()["width"] > 300  # one card across the phone
        screenshot(page, "admin-log-cards-ru-390")
    finally:
        context.close()


def test_the_chosen_language_follows_the_staff_member_to_another_browser(
    sqlite_container, live_app, browser, busy_shop
):
    c = sqlite_container
    base = live_app(c)
    first = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = first.new_page()
    try:
        sign_in(page, base)
        assert page.locator(".admin-nav").inner_text().startswith("Get started")
        page.locator(".lang-switch button[value=uk]").click()
        assert page.locator("h1").inner_text() == "Початок роботи"
        assert page.locator(".lang-switch button[aria-pressed=true]").inner_text() == "УКР"
    finally:
        first.close()
    with c.session() as s:
        assert s.scalar(select(StaffUser.locale)) == "uk"
    second = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = second.new_page()
    try:
        sign_in(page, base)  # the Russian browser's sign-in page, then the owner's choice
        assert page.locator("h1").inner_text() == "Початок роботи"
        page.goto(base + "/admin/orders")
        assert page.locator("#orders thead").inner_text().split() == [
            "Замовлення",
            "Статус",
            "Покупець",
            "Оновлено",
        ]
        statuses = page.locator("#orders tbody [data-status]").all_inner_texts()
        assert "Доставлено" in statuses and "delivered" not in statuses
    finally:
        second.close()


def test_the_delivery_promise_settings_on_a_phone_in_ukrainian(
    sqlite_container, live_app, browser, busy_shop
):
    base = live_app(sqlite_container)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="uk")
    page = context.new_page()
    try:
        sign_in(page, base)
        page.goto(base + "/admin/promise")
        assert page.locator("h1").inner_text() == "Обіцянка доставки"
        assert not page.evaluate("document.documentElement.scrollWidth > innerWidth")
        page.get_by_label("Днів на обробку").fill("2")
        page.get_by_role("button", name="Зберегти").click()
        assert page.get_by_text("Збережено.").is_visible()
        assert page.get_by_label("Днів на обробку").input_value() == "2"
        screenshot(page, "admin-promise-uk-390")
    finally:
        context.close()
