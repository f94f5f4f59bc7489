"""The storefront widget on someone else's page, in headless Chromium.

The host page is served from another origin (the local HTTP stub), so CORS is real, and it
carries hostile CSS that would hide or recolour anything it can reach.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

import pytest

from core.domain.statuses import Status
from core.storefront import sign_storefront_token
from tests.conftest import add_shop
from tests.shopper.orders import PEOPLE, XSS, order_in, push
from tests.support.browser import screenshot

HOSTILE_CSS = """
body * { display: none !important; color: red !important; font-size: 40px !important; }
div, section, p, li, h2, h3, form, input, button { visibility: hidden !important; }
"""


def host_page(http_stub, base: str, attrs: str) -> str:
    """A plain shop page embedding the widget with the one-line snippet; its URL."""
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<style>{HOSTILE_CSS}</style></head><body><h1>My account</h1>
<div class="wismo-widget" {attrs}></div>
<script src="{base}/widget.js" async></script></body></html>"""
    http_stub.route(
        "GET", "/account", handler=lambda req: (200, {"Content-Type": "text/html"}, page)
    )
    return http_stub.url_for("/account")


def shadow_text(page) -> str:
    return page.locator(".wismo-widget section").inner_text()  # Playwright pierces open roots


def test_widget_with_a_token_shows_the_order_despite_hostile_css(
    sqlite_container, live_app, page, http_stub
):
    shop = add_shop(sqlite_container)
    order_in(sqlite_container, shop.shop.id, "1001", "progress", "uk")
    token = sign_storefront_token(shop.webhook_secret, shop.shop.key, "1001")
    base = live_app(sqlite_container)
    page.goto(
        host_page(
            http_stub,
            base,
            f'data-token="{token}" data-locale="uk" data-accent="#7c3aed" '
            'data-title="Ваше замовлення в Test Shop"',
        )
    )
    status = page.locator(".wismo-widget h3")
    status.wait_for()
    assert status.inner_text() == "У дорозі"
    assert status.is_visible()
    style = status.evaluate("el => getComputedStyle(el)")
    assert status.evaluate("el => getComputedStyle(el).color") == "rgb(124, 58, 237)"  # accent
    assert style["fontSize"] != "40px"
    text = shadow_text(page)
    assert "Nova Poshta" in text and "20450012345678" in text and "24 листопада" in text
    assert page.locator(".wismo-widget ol li").count() == 4  # the same four milestones
    assert page.get_by_role("region", name="Ваше замовлення в Test Shop").count() == 1
    link = page.locator(".wismo-widget a", has_text="Відкрити сторінку відстеження")
    assert "/track/" in link.get_attribute("href") and "src=widget" in link.get_attribute("href")
    screenshot(page, "widget-token-hostile-css")


def test_widget_lookup_form_success_and_failure(sqlite_container, live_app, page, http_stub):
    shop = add_shop(sqlite_container)
    order_in(sqlite_container, shop.shop.id, "1001", "delivered", "ru")
    base = live_app(sqlite_container)
    page.goto(host_page(http_stub, base, f'data-shop="{shop.shop.key}" data-locale="ru"'))
    page.get_by_label("Номер заказа").fill("1001")
    page.get_by_label("Email или телефон").fill("nobody@example.com")
    page.get_by_role("button", name="Показать заказ").click()
    assert "Не удалось найти заказ" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Номер заказа").input_value() == "1001"  # kept after a failure
    assert page.get_by_label("Email или телефон").input_value() == "nobody@example.com"
    screenshot(page, "widget-lookup-failure")
    page.get_by_label("Номер заказа").fill("#1001")
    page.get_by_label("Email или телефон").fill("+380501234567")
    page.keyboard.press("Enter")
    page.locator(".wismo-widget h3").wait_for()
    assert page.locator(".wismo-widget h3").inner_text() == "Доставлен"
    screenshot(page, "widget-lookup-success")
    page.get_by_role("button", name="Найти другой заказ").click()
    assert page.get_by_label("Номер заказа").is_visible()


def test_widget_shows_hostile_names_as_text(sqlite_container, live_app, page, http_stub):
    shop = add_shop(sqlite_container)
    customer = PEOPLE["en"].__class__(name=XSS, email="x@example.com", locale="en")
    reason = "<b>late</b><img src=x onerror=window.pwned=1>"
    push(sqlite_container, shop.shop.id, "1001", Status.PLACED, customer=customer)
    push(sqlite_container, shop.shop.id, "1001", Status.CANCELLED, 1, reason=reason, shipment=None)
    token = sign_storefront_token(shop.webhook_secret, shop.shop.key, "1001")
    base = live_app(sqlite_container)
    page.goto(host_page(http_stub, base, f'data-token="{html.escape(token)}"'))
    page.locator(".wismo-widget h3").wait_for()
    assert page.evaluate("window.pwned") is None
    assert page.locator(".wismo-widget img").count() == 0


def test_widget_with_a_forged_token_says_so_politely(sqlite_container, live_app, page, http_stub):
    base = live_app(sqlite_container)
    page.goto(host_page(http_stub, base, 'data-token="forged.token" data-locale="en"'))
    alert = page.locator(".wismo-widget [role=alert]")
    alert.wait_for()
    assert "could not find an order" in alert.inner_text()


def test_a_single_page_shop_can_add_the_widget_later(sqlite_container, live_app, page, http_stub):
    shop = add_shop(sqlite_container)
    base = live_app(sqlite_container)
    page.goto(host_page(http_stub, base, f'data-shop="{shop.shop.key}" data-locale="en"'))
    page.get_by_label("Order number").wait_for()
    page.evaluate(
        """key => { const d = document.createElement('div'); d.className = 'wismo-widget';
                    d.dataset.shop = key; d.dataset.locale = 'uk'; document.body.append(d);
                    window.wismoWidget.scan(); window.wismoWidget.scan(); }""",
        shop.shop.key,
    )
    assert page.get_by_label("Номер замовлення").count() == 1  # drawn once, in Ukrainian
    assert page.get_by_label("Order number").count() == 1


def split_order(c, timezone="Europe/Kyiv", locale="en"):
    """Order 1001 shipped in two parcels, in a shop in `timezone`; the shop."""
    from core.domain.events import ShipmentInfo

    shop = add_shop(c, timezone=timezone)
    items = [{"name": "Kettle", "quantity": 1}, {"name": "Tea", "quantity": 1}]
    push(c, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE[locale], items=items)
    push(c, shop.shop.id, "1001", Status.SHIPPED, 5, shipment=ShipmentInfo(id="p1", items_count=1))
    push(c, shop.shop.id, "1001", Status.SHIPPED, 7, shipment=ShipmentInfo(id="p2", items_count=1))
    return shop


def test_widget_history_names_the_parcels_and_uses_the_pages_time_zone(
    sqlite_container, live_app, browser, http_stub
):
    from tests.shopper.orders import track_path

    shop = split_order(sqlite_container)
    token = sign_storefront_token(shop.webhook_secret, shop.shop.key, "1001")
    base = live_app(sqlite_container)
    # the device is in New York; the shop and its page in Kyiv (the shopper's zone unknown)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-US", timezone_id="America/New_York"
    )
    page = context.new_page()
    try:
        page.goto(host_page(http_stub, base, f'data-token="{token}" data-locale="en"'))
        page.locator(".wismo-widget ol li").first.wait_for()
        lines = page.locator(".wismo-widget ol li").all_inner_texts()
        assert lines[0] == "Parcel 2 of 2: Shipped \u2014 Nov 20, 6:00\u202fPM"  # 16:00 UTC
        assert lines[1] == "Parcel 1 of 2: Shipped \u2014 Nov 20, 4:00\u202fPM"
        assert lines[2] == "Order placed \u2014 Nov 20, 11:00\u202fAM"
        screenshot(page, "widget-split-order-history")
        page.goto(base + track_path(sqlite_container, shop.shop.id, _order_id(sqlite_container)))
        times = page.locator("ol.history time").all_inner_texts()
        assert times == ["Nov 20, 6:00\u202fPM", "Nov 20, 4:00\u202fPM", "Nov 20, 11:00\u202fAM"]
    finally:
        context.close()


def _order_id(c):
    from sqlalchemy import select

    from core.storage.models import Order

    with c.session() as s:
        return s.scalar(select(Order.id))


def test_waiting_for_a_new_order_logs_no_errors_in_the_console(
    sqlite_container, live_app, page, http_stub
):
    shop = add_shop(sqlite_container)
    token = sign_storefront_token(shop.webhook_secret, shop.shop.key, "5555")  # not received yet
    base = live_app(sqlite_container)
    errors: list[str] = []  # each failed request is an error line in the shopper's console
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if "/api/v1/widget/" in r.url and r.status >= 400
            else None
        ),
    )
    page.goto(host_page(http_stub, base, f'data-token="{token}" data-locale="en"'))
    page.locator(".wismo-widget section p").filter(has_text="in a minute").wait_for()
    page.wait_for_timeout(500)
    assert errors == []


def test_an_order_wismo_never_heard_of_is_said_plainly(sqlite_container, live_app, page, http_stub):
    import time

    shop = add_shop(sqlite_container)
    placed = int(time.time()) - 30 * 86400  # an order from before Wismo was connected
    token = sign_storefront_token(shop.webhook_secret, shop.shop.key, "17", placed=placed)
    base = live_app(sqlite_container)
    page.set_viewport_size({"width": 390, "height": 700})
    page.goto(host_page(http_stub, base, f'data-token="{token}" data-locale="uk"'))
    said = page.locator(".wismo-widget section p").filter(has_text="недоступне")
    said.wait_for()
    assert "за хвилину" not in shadow_text(page)
    screenshot(page, "widget-unknown-order-uk-390")


def test_the_promise_mode_on_a_phone_product_page_in_ukrainian(
    sqlite_container, live_app, browser, http_stub
):
    # every day a working day: the cut-off is always under a day away, so the line always
    # has its countdown, whatever day and hour the test runs
    shop = add_shop(
        sqlite_container,
        country="UA",
        timezone="Europe/Kyiv",
        carriers=[{"carrier": "novaposhta"}],
        promise={"working_days": [0, 1, 2, 3, 4, 5, 6]},
    )
    base = live_app(sqlite_container)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="uk")
    page = context.new_page()
    try:
        page.goto(
            host_page(
                http_stub,
                base,
                f'data-mode="promise" data-shop="{shop.shop.key}" data-locale="uk" '
                'data-accent="#0f766e"',
            )
        )
        line = page.locator(".wismo-widget section p")
        line.wait_for()
        text = line.inner_text()
        assert text.startswith("Замовте протягом ") and " — отримаєте " in text
        assert page.get_by_role("region", name="Доставка").count() == 1
        assert line.is_visible()
        assert not page.evaluate("document.documentElement.scrollWidth > innerWidth")
        screenshot(page, "widget-promise-uk-390")
    finally:
        context.close()


# Twenty Twenty-Five (a block theme) constrains the content's direct children this way.
BLOCK_THEME_CSS = """
body { margin: 0 } h1 { text-align: center }
.is-layout-constrained > :where(:not(.alignleft):not(.alignright):not(.alignfull)) {
  max-width: 645px; margin-left: auto !important; margin-right: auto !important; }
"""


PLUGIN_WIDGET = Path(__file__).parents[2] / "adapters/woocommerce/plugin/wismo/includes"


def _plugin_markup(base: str, token: str) -> str:
    """The view-order widget exactly as the WordPress plugin prints it (Wismo_Widget::html)."""
    php = shutil.which("php")
    if php is None:
        pytest.fail("php is not installed: run `make test` (it installs php-cli)")
    widget = PLUGIN_WIDGET / "class-wismo-widget.php"
    code = (
        "define('WISMO_TESTING', true); require $argv[1];"
        "echo Wismo_Widget::html($argv[2], array('token' => $argv[3], 'locale' => 'uk'));"
    )
    return subprocess.run(
        [php, "-r", code, str(widget), base, token], capture_output=True, text=True, check=True
    ).stdout


def test_the_plugins_widget_keeps_the_themes_content_width_under_a_centred_title(
    sqlite_container, live_app, page, http_stub
):
    """The widget resets its own element (all: initial), which dropped a block theme's
    content width and centring; the plugin's wrapper takes them (issue 18 item 17)."""
    shop = add_shop(sqlite_container)
    order_in(sqlite_container, shop.shop.id, "1001", "progress", "uk")
    token = sign_storefront_token(shop.webhook_secret, shop.shop.key, "1001")
    base = live_app(sqlite_container)
    bare = (
        f'<div class="wismo-widget" id="bare" data-token="{html.escape(token)}" data-locale="uk">'
        "</div>"
    )
    page_html = f"""<!doctype html><html lang="uk"><head><meta charset="utf-8">
<style>{BLOCK_THEME_CSS}</style></head><body><main class="is-layout-constrained">
<h1>Замовлення №1001</h1>{_plugin_markup(base, token)}
{bare}</main></body></html>"""
    http_stub.route(
        "GET", "/view-order", handler=lambda req: (200, {"Content-Type": "text/html"}, page_html)
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(http_stub.url_for("/view-order"))
    page.locator(".wismo-widget-wrap .wismo-widget h3").wait_for()
    title = page.locator("h1").bounding_box()
    wrapped = page.locator(".wismo-widget-wrap").bounding_box()
    assert title and wrapped
    assert wrapped["width"] == 645 and title["width"] == 645
    assert abs(wrapped["x"] - title["x"]) < 1 and wrapped["x"] > 300  # centred with the title
    # The same element put straight into the content, without the wrapper, loses the rule.
    page.locator("#bare h3").wait_for()
    bare_box = page.locator("#bare").bounding_box()
    assert bare_box and bare_box["x"] == 0 and bare_box["width"] == 1280
    screenshot(page, "widget-block-theme-width-uk-1280")
