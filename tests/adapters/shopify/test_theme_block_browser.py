"""The theme app block in a storefront, end to end in headless Chromium.

A local "store" plays the Shopify storefront: it serves the customer's order page with
the order-status block as its Liquid renders it, the block's asset (the real
wismo-block.js), and forwards /apps/wismo/* to Wismo the way Shopify's app proxy does
(adding shop, logged_in_customer_id, path_prefix, timestamp and the signature). The
block must ask the proxy for a storefront token and start the widget, which then shows
the signed-in customer's order; anyone else gets the lookup form.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from werkzeug.serving import make_server

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.services.pipeline import accept_event, process_event
from tests.adapters.shopify.conftest import DOMAIN, install, make_shopify_container
from tests.adapters.shopify.test_proxy import proxy_query
from tests.support.browser import screenshot
from tests.support.servers import free_port

EXTENSION = Path(__file__).parents[3] / "adapters/shopify/extensions/wismo-order-status"
BLOCK_JS = (EXTENSION / "assets" / "wismo-block.js").read_text()
CUSTOMER = "207119551"


def render_block(name: str, locale: str, order_id: str | None = None, **settings: str) -> str:
    """The block's real Liquid (blocks/<name>.liquid), rendered as the theme would."""
    from liquid import Environment

    words = json.loads((EXTENSION / "locales" / "uk.json").read_text())

    def translate(key: str) -> str:
        value = words
        for part in key.split("."):
            value = value[part]
        return str(value)

    env = Environment()
    env.filters["t"] = translate
    source = (EXTENSION / "blocks" / f"{name}.liquid").read_text().split("{% schema %}")[0]
    schema = json.loads(
        (EXTENSION / "blocks" / f"{name}.liquid")
        .read_text()
        .split("{% schema %}")[1]
        .split("{% endschema %}")[0]
    )
    defaults = {s["id"]: s.get("default", "") for s in schema["settings"] if "id" in s}
    return env.from_string(source).render(
        block={"settings": {**defaults, **settings}, "shopify_attributes": ""},
        localization={"country": {"iso_code": "UA"}},
        order={"id": order_id},
        request={"locale": {"iso_code": locale}},
    )


def order_page(order_id: str, locale: str, **settings: str) -> str:
    """customers/order with the Wismo block; Shopify adds the schema's "javascript" asset."""
    block = render_block("order-status", locale, order_id, **settings)
    return f"""<!doctype html><html lang="{locale}"><head><meta charset="utf-8">
<style>body * {{ color: red !important; font-size: 40px !important; }}</style></head><body>
<h1>Order #1001</h1>
{block}
<script src="/cdn/wismo-block.js" defer></script></body></html>"""


@pytest.fixture
def wismo_base(sqlite_database_url, http_stub):
    """Wismo on a known port, its public URL pointing at itself (the widget loads from it)."""
    from webapp.app import create_app

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    c = make_shopify_container(sqlite_database_url, http_stub.url, public_url=base)
    server = make_server("127.0.0.1", port, create_app(container=c), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield c, base
    finally:
        server.shutdown()
        server.server_close()
        c.engine.dispose()


@pytest.fixture
def sqlite_database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'block.db'}"


def store(http_stub, base: str, customer: str | None, proxy_path: str = "/apps/wismo") -> str:
    """The storefront: the order page, the block's asset, and the app proxy to Wismo."""
    prefix, subpath = proxy_path.strip("/").split("/")
    page = order_page("1001", "uk", proxy_prefix=prefix, proxy_subpath=subpath)
    http_stub.route(
        "GET",
        "/account/orders/1001",
        handler=lambda req: (200, {"Content-Type": "text/html"}, page),
    )
    http_stub.route(
        "GET",
        "/cdn/wismo-block.js",
        handler=lambda req: (200, {"Content-Type": "text/javascript"}, BLOCK_JS),
    )

    def proxy(req):
        params = {k: v[0] for k, v in req.query.items()}
        if customer:
            params["logged_in_customer_id"] = customer
        r = requests.get(f"{base}/shopify/proxy/widget-config?{proxy_query(params)}", timeout=5)
        return r.status_code, {"Content-Type": r.headers["Content-Type"]}, r.content

    http_stub.route("GET", f"{proxy_path}/widget-config", handler=proxy)
    return http_stub.url_for("/account/orders/1001")


def shipped_order(c) -> None:
    shop_id = install(c)
    with c.session() as s:
        event = OrderEventIn(
            event_key="ful-1",
            source="shopify",
            order_id="1001",
            number="#1001",
            status=Status.SHIPPED,
            occurred_at=datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
            customer=CustomerInfo(
                name="Olha <script>x</script>",
                email="olha@example.com",
                locale="uk",
                external_id=CUSTOMER,
            ),
            shipment=ShipmentInfo(
                id="f1",
                carrier="Nova Poshta",
                tracking_number="20450012345678",
                tracking_url="https://novaposhta.ua/tracking/?cargo_number=20450012345678",
            ),
        )
        process_event(s, accept_event(s, shop_id, event).event_id)


def test_the_block_shows_the_signed_in_customers_order(wismo_base, http_stub, page):
    c, base = wismo_base
    shipped_order(c)
    page.goto(store(http_stub, base, CUSTOMER))
    status = page.locator(".wismo-widget h3")
    status.wait_for(timeout=10_000)
    assert status.inner_text() == "Відправлено"
    text = page.locator(".wismo-widget section").inner_text()
    assert "20450012345678" in text and "Nova Poshta" in text
    # the status in the heading and in the history, not echoed again on the only parcel
    assert text.count("Відправлено") == 2
    # the title shows once (the widget's), the no-JavaScript fallback is hidden
    assert page.get_by_role("region", name="Статус замовлення").is_visible()
    assert page.locator(".wismo-block__title").is_hidden()
    assert page.locator(".wismo-block__fallback").is_hidden()
    assert "<script>x" not in page.locator(".wismo-widget section").inner_html()
    screenshot(page, "shopify-theme-block-order")


def test_a_store_whose_app_proxy_moved_still_shows_the_order(wismo_base, http_stub, page):
    """A merchant who serves the proxy at /a/track sets it in the block; nothing asks /apps."""
    c, base = wismo_base
    shipped_order(c)
    page.goto(store(http_stub, base, CUSTOMER, proxy_path="/a/track"))
    page.locator(".wismo-widget h3").wait_for(timeout=10_000)
    assert page.locator(".wismo-block__fallback").get_attribute("href") == "/a/track"
    assert http_stub.requests_to("GET", "/apps/wismo/widget-config") == []


def test_the_blocks_escape_their_colour_settings():
    html = render_block("tracking-page", "uk", text_color='red"><script>alert(1)</script>')
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_another_customer_gets_the_lookup_form_not_the_order(wismo_base, http_stub, page):
    c, base = wismo_base
    shipped_order(c)
    page.goto(store(http_stub, base, "999"))
    form = page.locator(".wismo-widget form")
    form.wait_for(timeout=10_000)
    assert "20450012345678" not in page.locator(".wismo-widget").inner_text()


def test_the_proxy_refuses_an_unsigned_config_request(wismo_base):
    c, base = wismo_base
    install(c)
    query = urlencode({"shop": DOMAIN, "order_id": "1001", "logged_in_customer_id": CUSTOMER})
    assert requests.get(f"{base}/shopify/proxy/widget-config?{query}", timeout=5).status_code == 401


def test_the_delivery_date_block_on_a_product_page(wismo_base, http_stub, page):
    c, base = wismo_base
    # every day a working day: a countdown whatever day and hour the test runs
    install(c, country="UA", timezone="Europe/Kyiv", promise={"working_days": list(range(7))})
    block = render_block("delivery-promise", "uk", carrier="novaposhta")
    html = f"""<!doctype html><html lang="uk"><head><meta charset="utf-8"></head><body>
<h1>Чайник</h1>{block}<script src="/cdn/wismo-block.js" defer></script></body></html>"""
    http_stub.route(
        "GET", "/products/kettle", handler=lambda req: (200, {"Content-Type": "text/html"}, html)
    )
    http_stub.route(
        "GET",
        "/cdn/wismo-block.js",
        handler=lambda req: (200, {"Content-Type": "text/javascript"}, BLOCK_JS),
    )

    def proxy(req):
        params = {k: v[0] for k, v in req.query.items()}
        r = requests.get(f"{base}/shopify/proxy/widget-config?{proxy_query(params)}", timeout=5)
        return r.status_code, {"Content-Type": r.headers["Content-Type"]}, r.content

    http_stub.route("GET", "/apps/wismo/widget-config", handler=proxy)
    page.goto(http_stub.url_for("/products/kettle"))
    line = page.locator(".wismo-widget section p")
    line.wait_for(timeout=10_000)
    assert line.inner_text().startswith("Замовте протягом ")
    assert 'data-country="UA"' in block and 'data-carrier="novaposhta"' in block
    screenshot(page, "shopify-delivery-promise-uk")
