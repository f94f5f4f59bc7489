"""The WordPress plugin's widget markup, rendered by its own PHP, in headless Chromium.

What WooCommerce prints on My Account -> View Order and the thank-you page comes from
`Wismo_Widget::html()` with a token from `Wismo_Signer::storefront_token()`; here PHP
renders exactly that into a theme-like page on another origin, so the plugin's markup,
its token and the webapp's widget.js and CORS are checked together.

Seen against a real WooCommerce: the thank-you page loads before the order's webhook
arrives (WooCommerce delivers webhooks through Action Scheduler, a minute or more later), so
the widget must say the order is on its way to Wismo and keep asking, not "not found".
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core.domain.statuses import Status
from tests.conftest import add_shop
from tests.shopper.orders import PEOPLE, order_in, push
from tests.support.browser import screenshot
from tests.support.clock import same_clock

INCLUDES = Path(__file__).resolve().parents[3] / "adapters/woocommerce/plugin/wismo/includes"

# What Wismo_Storefront::order_widget() prints around the widget (its only WordPress part).
RENDER = """
define( 'WISMO_TESTING', true );
require $argv[1] . '/class-wismo-signer.php';
require $argv[1] . '/class-wismo-widget.php';
$token = Wismo_Signer::storefront_token( $argv[3], $argv[4], $argv[5] );
echo '<section class="wismo-order-status"><h2>Delivery status</h2>';
echo Wismo_Widget::html( $argv[2], array( 'token' => $token, 'locale' => $argv[6] ) );
echo '</section>';
"""

THEME_CSS = """
section, h2, h3, p, li, a { color: #c00 !important; font: 40px serif !important; }
.woocommerce-order div { display: none !important; }
"""


def plugin_markup(base: str, secret: str, shop_key: str, order_id: str, locale: str) -> str:
    php = shutil.which("php")
    if php is None:
        pytest.fail("php is not installed: run `make test` (it installs php-cli)")
    result = subprocess.run(
        same_clock(
            [php, "-r", RENDER, "--", str(INCLUDES), base, secret, shop_key, order_id, locale]
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def view_order_page(http_stub, markup: str) -> str:
    """A WooCommerce-like account page on another origin carrying the plugin's markup."""
    page = f"""<!doctype html><html lang="en-US"><head><meta charset="utf-8">
<style>{THEME_CSS}</style></head><body><main class="woocommerce-order">
<h1>Order #1001</h1><p>Order #1001 was placed on November 20, 2026.</p>
{markup}</main></body></html>"""
    http_stub.route(
        "GET",
        "/my-account/view-order/1001/",
        handler=lambda req: (200, {"Content-Type": "text/html"}, page),
    )
    return http_stub.url_for("/my-account/view-order/1001/")


def widget_text(page) -> str:
    return page.locator(".wismo-widget section").inner_text()  # Playwright pierces open roots


def test_view_order_shows_the_timeline_and_tracking_in_the_shoppers_language(
    sqlite_container, live_app, page, http_stub
):
    shop = add_shop(sqlite_container, platform="woocommerce")
    order_in(sqlite_container, shop.shop.id, "1001", "progress", "uk")
    base = live_app(sqlite_container)
    markup = plugin_markup(base, shop.webhook_secret, shop.shop.key, "1001", "uk")
    assert markup.count('class="wismo-widget"') == 1 and f'src="{base}/widget.js"' in markup

    page.goto(view_order_page(http_stub, markup))
    status = page.locator(".wismo-widget h3")
    status.wait_for()
    assert status.inner_text() == "У дорозі"
    assert status.evaluate("el => getComputedStyle(el).fontSize") != "40px"  # theme kept out
    text = widget_text(page)
    assert "Номер відстеження: 20450012345678" in text
    assert page.locator(".wismo-widget ol li").count() == 4
    carrier = page.locator(".wismo-widget a", has_text="Відстежити на сайті перевізника")
    assert carrier.get_attribute("href").startswith("https://novaposhta.ua/tracking/")
    screenshot(page, "woocommerce-view-order-widget")


def test_thank_you_page_waits_for_the_orders_webhook_instead_of_saying_not_found(
    sqlite_container, live_app, page, http_stub
):
    shop = add_shop(sqlite_container, platform="woocommerce")
    base = live_app(sqlite_container)
    markup = plugin_markup(base, shop.webhook_secret, shop.shop.key, "1001", "en")

    page.goto(view_order_page(http_stub, markup))
    page.locator(".wismo-widget section p", has_text="We have your order").wait_for()
    assert "could not find" not in widget_text(page)
    assert page.locator(".wismo-widget [role=alert]").count() == 0

    push(sqlite_container, shop.shop.id, "1001", Status.PLACED, customer=PEOPLE["en"])
    status = page.locator(".wismo-widget h3")
    status.wait_for(timeout=15_000)  # the widget asks again after 5 s
    assert status.inner_text() == "Order placed"
    assert "We have your order" not in widget_text(page)
    screenshot(page, "woocommerce-thank-you-widget-after-webhook")


def test_a_token_signed_with_another_secret_is_still_not_found(
    sqlite_container, live_app, page, http_stub
):
    shop = add_shop(sqlite_container, platform="woocommerce")
    base = live_app(sqlite_container)
    markup = plugin_markup(base, "whsec_c29tZW9uZSBlbHNl", shop.shop.key, "1001", "en")
    page.goto(view_order_page(http_stub, markup))
    alert = page.locator(".wismo-widget [role=alert]")
    alert.wait_for()
    assert "could not find an order" in alert.inner_text()
