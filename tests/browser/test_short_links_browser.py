"""The short link of an SMS, opened in Chromium: the redirect keeps the page's #feedback."""

from __future__ import annotations

from core.services.shortlinks import code_for
from tests.conftest import add_shop
from tests.shopper.orders import order_in


def test_the_feedback_short_link_opens_the_page_at_its_form(sqlite_container, live_app, page):
    shop = add_shop(sqlite_container)
    order_id = order_in(sqlite_container, shop.shop.id, "1001", "delivered", "uk")
    with sqlite_container.session() as s, s.begin():
        code = code_for(s, shop.shop.id, order_id)
    base = live_app(sqlite_container)
    page.goto(f"{base}/t/{code}#feedback")
    assert "/track/" in page.url and page.url.endswith("#feedback")
    assert page.locator("#feedback").is_visible()
    page.goto(f"{base}/t/{code[::-1]}")
    assert page.locator("form[action='/track'] input[name='number']").is_visible()
