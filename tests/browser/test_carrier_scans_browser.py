"""A followed parcel's carrier scans on the tracking page, in Ukrainian, at phone and desktop
widths: the latest three shown, the rest behind "All N updates", nothing scrolling sideways."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.storage.models import Order
from core.storefront import sign_storefront_token
from tests.browser.test_widget_browser import host_page
from tests.carriers.test_scans_shown import four_scans
from tests.shopper.orders import track_path
from tests.support.browser import screenshot
from tests.support.novaposhta import STATUS_WORDS, NovaPoshtaStandIn

WIDTHS = (390, 1280)


@pytest.fixture
def np(http_stub):
    return NovaPoshtaStandIn(http_stub)


def test_the_scans_of_a_followed_parcel_at_both_widths_in_ukrainian(
    sqlite_container, live_app, browser, np, time_machine
):
    c = sqlite_container
    shop = four_scans(c, np, time_machine)
    with c.session() as s:
        order_id = s.scalars(select(Order.id).where(Order.external_id == "1001")).one()
    base = live_app(c)
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="uk")
        page = context.new_page()
        try:
            page.goto(base + track_path(c, shop.shop.id, order_id))
            scans = page.locator(".scans")
            assert "Оновлення від перевізника" in scans.inner_text()
            shown = page.locator(".scans > .scan-list > li").all_inner_texts()
            assert len(shown) == 3
            assert STATUS_WORDS["7"] in shown[0] and "15 вер., 09:10" in shown[0]
            assert "Чекає у відділенні" in shown[0] and "Київ" in shown[0]
            more = page.locator(".scans-more")
            assert more.locator("summary").inner_text() == "Усі 4 оновлення"
            assert not more.locator("li").first.is_visible()
            more.locator("summary").click()
            assert STATUS_WORDS["5"] in more.locator("li").first.inner_text()
            assert page.locator(".pickup-by").inner_text().startswith("Заберіть до 20 вересня")
            overflow = page.evaluate("document.documentElement.scrollWidth > innerWidth")
            assert not overflow
            screenshot(page, f"track-scans-uk-{width}")
        finally:
            context.close()


def test_the_widget_draws_the_latest_scans_as_text(
    sqlite_container, live_app, page, np, time_machine, http_stub
):
    c = sqlite_container
    shop = four_scans(c, np, time_machine)
    token = sign_storefront_token(shop.webhook_secret, shop.shop.key, "1001")
    base = live_app(c)
    page.goto(host_page(http_stub, base, f'data-token="{token}" data-locale="uk"'))
    page.locator(".wismo-widget h3").wait_for()
    scans = page.locator(".wismo-widget .s ul li").all_inner_texts()
    assert len(scans) == 3  # the latest three; the full page has the rest
    assert scans[0] == " · ".join(
        ["15 вер., 09:10", "Чекає у відділенні", STATUS_WORDS["7"], "Київ"]
    )
    screenshot(page, "widget-scans-uk")
