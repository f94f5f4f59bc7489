"""The OpenCart module's storefront markup with Wismo's real widget.js and API, in Chromium.

The module's PHP (module/lib: Widget, Signer) writes the markup and signs the token, exactly
as on the customer's order page and the tracking page; the page is served from another
origin with a Bootstrap-like theme column, so CORS, the token, the locale mapping and the
markup contract between module and widget are all real.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import add_shop
from tests.support.browser import screenshot
from tests.support.clock import same_clock
from webapp.app import create_app

from .helpers import push_body, signed

LIB = Path(__file__).resolve().parents[3] / "adapters" / "opencart" / "module" / "lib"
PHP = shutil.which("php")

pytestmark = pytest.mark.skipif(PHP is None, reason="needs php (installed in CI)")

RENDER = r"""
require $argv[1] . '/autoload.php';
[, , $url, $secret, $shop, $order, $language] = $argv;
$token = \Wismo\Signer::storefrontToken($secret, $shop, $order, time() + 3600);
echo $order === ''
    ? \Wismo\Widget::lookup($url, $shop, $language)
    : \Wismo\Widget::forOrder($url, $token, $language);
"""


def module_markup(base: str, shop, order_id: str, language: str) -> str:
    """What the module puts on the page (`order_id` empty: the tracking page's form)."""
    args = [str(LIB), base, shop.webhook_secret, shop.shop.key, order_id, language]
    done = subprocess.run(
        same_clock([PHP, "-r", RENDER, "--", *args]), capture_output=True, text=True, check=True
    )
    return done.stdout


def theme_page(http_stub, markup: str) -> str:
    """An OpenCart-like account page: the widget at the top of #content, a panel below."""
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
.mb-3 {{ margin-bottom: 1rem !important; }} .panel {{ border: 1px solid #ccc; padding: 8px; }}
</style></head><body><div class="row"><div id="content" class="col">{markup}
<div class="panel" id="next">Invoice No.</div></div></div></body></html>"""
    http_stub.route(
        "GET", "/account", handler=lambda req: (200, {"Content-Type": "text/html"}, page)
    )
    return http_stub.url_for("/account")


@pytest.fixture
def shipped_order(sqlite_container):
    """Order 42 of an OpenCart shop, placed then shipped with a tracking number."""
    shop = add_shop(sqlite_container, platform="opencart", name="Чайники", locale="en")
    client = create_app(container=sqlite_container).test_client()
    for msg_id, status_id, status in (("msg_1", 1, "Pending"), ("msg_2", 3, "Shipped")):
        raw, headers = signed(
            shop.webhook_secret,
            push_body(status_id, status, number="#42", language="ru-ru"),
            msg_id=msg_id,
        )
        assert (
            client.post(
                f"/webhooks/opencart/{shop.shop.key}", data=raw, headers=headers
            ).status_code
            == 200
        )
    return shop


def test_the_order_page_widget_shows_the_live_timeline_in_the_page_language(
    sqlite_container, live_app, page, http_stub, shipped_order
):
    base = live_app(sqlite_container)
    page.goto(theme_page(http_stub, module_markup(base, shipped_order, "42", "uk-ua")))
    status = page.locator(".wismo-widget h3")
    status.wait_for()
    assert status.inner_text() == "Відправлено"  # the storefront's language, not the order's
    text = page.locator(".wismo-widget section").inner_text()
    assert "Замовлення #42" in text and "20450000000000" in text
    assert page.locator(".wismo-widget ol li").count() == 2  # placed, shipped
    widget = page.locator(".wismo-widget").bounding_box()
    below = page.locator("#next").bounding_box()
    assert below["y"] - (widget["y"] + widget["height"]) >= 15  # the theme's spacing survives
    screenshot(page, "opencart-order-page-widget")


def test_the_tracking_page_form_finds_the_order_by_number_as_opencart_shows_it(
    sqlite_container, live_app, page, http_stub, shipped_order
):
    base = live_app(sqlite_container)
    page.goto(theme_page(http_stub, module_markup(base, shipped_order, "", "ru-ru")))
    page.get_by_label("Номер заказа").fill("#42")
    page.get_by_label("Email или телефон").fill("olena@example.com")
    page.get_by_role("button", name="Показать заказ").click()
    status = page.locator(".wismo-widget h3")
    status.wait_for()
    assert status.inner_text() == "Отправлен"
    screenshot(page, "opencart-tracking-page-widget")


def test_a_token_signed_with_another_secret_shows_no_order(
    sqlite_container, live_app, page, http_stub, shipped_order
):
    base = live_app(sqlite_container)
    forged = dataclasses.replace(shipped_order, webhook_secret="whsec_" + "QUFB" * 8)
    page.goto(theme_page(http_stub, module_markup(base, forged, "42", "en-gb")))
    alert = page.locator(".wismo-widget [role=alert]")
    alert.wait_for()
    assert "could not find an order" in alert.inner_text()
