"""What a shopper sees of a followed parcel beyond its scans, in Ukrainian: the courier's
window and the carrier's phone on the tracking page (390 and 1280 px), the branch's last
day and hours in the widget, and the same details in the Shopify app proxy at 390 px."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from core.services.polling import poll_tick
from core.storage.models import Order, Shop
from core.storefront import sign_storefront_token
from tests.adapters.shopify.conftest import DOMAIN, SECRET, Deliver, install, make_shopify_container
from tests.adapters.shopify.test_translate import new_order
from tests.adapters.shopify.test_webhook_route import fulfillment
from tests.browser.test_widget_browser import host_page
from tests.carriers.helpers import T0, FakeClock, connect_np, ship
from tests.carriers.test_scans_shown import four_scans
from tests.conftest import add_shop
from tests.shopper.orders import track_path
from tests.support.browser import screenshot
from tests.support.novaposhta import NovaPoshtaStandIn, record
from wismo.demo_carrier import DEMO_POLICY

WIDTHS = (390, 1280)


def no_sideways_scroll(page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > innerWidth")


def test_the_couriers_window_and_the_carriers_phone_on_the_page(
    sqlite_container, live_app, browser, time_machine
):
    c = sqlite_container
    shop = add_shop(
        c,
        country="UA",
        locale="uk",
        timezone="Europe/Kyiv",
        carriers=[{"carrier": "demo", "step_seconds": 3600}],
    )
    ship(c, shop.shop.id, "1001", "WD0000000015", carrier="Demo Post")
    for at in (T0, T0 + timedelta(hours=1, minutes=1), T0 + timedelta(hours=2, minutes=1)):
        time_machine.move_to(at)  # the demo carrier reads the clock; the live app needs it running
        clock = FakeClock()
        poll_tick(c, now=at, policy=DEMO_POLICY, clock=clock, sleep=clock.sleep)
    with c.session() as s:
        order_id = s.scalars(select(Order.id)).one()
    base = live_app(c)
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="uk")
        page = context.new_page()
        try:
            page.goto(base + track_path(c, shop.shop.id, order_id))
            window = page.locator(".parcel .window")
            assert window.inner_text().split() == "Кур'єр приїде 14 вер., 19:00–21:00".split()
            assert page.locator(".carrier-contact a").get_attribute("href") == "tel:+380440000000"
            assert "Wismo Demo Post" not in window.inner_text()
            assert no_sideways_scroll(page)
            screenshot(page, f"track-window-uk-{width}")
        finally:
            context.close()


def test_the_widget_says_until_when_and_when_the_branch_is_open(
    sqlite_container, live_app, page, http_stub, time_machine
):
    c = sqlite_container
    shop = four_scans(c, NovaPoshtaStandIn(http_stub), time_machine)
    token = sign_storefront_token(shop.webhook_secret, shop.shop.key, "1001")
    base = live_app(c)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(host_page(http_stub, base, f'data-token="{token}" data-locale="uk"'))
    page.locator(".wismo-widget h3").wait_for()
    text = page.locator(".wismo-widget section").inner_text()
    assert "Заберіть до 20 вер." in text
    assert "Орієнтовна доставка" not in text  # at the branch, its last day is the date
    assert "Години роботи: пн–пт 08:00–20:00, сб 09:00–18:00, нд зачинено" in text
    assert no_sideways_scroll(page)
    screenshot(page, "widget-pickup-uk-390")


def proxy_query(params: dict[str, str]) -> str:
    """The query Shopify forwards to the app proxy, signed as Shopify signs it."""
    import hashlib
    import hmac

    full = {"shop": DOMAIN, "path_prefix": "/apps/wismo", "timestamp": str(int(time.time()))}
    full.update(params)
    message = "".join(f"{k}={v}" for k, v in sorted(full.items()))
    signature = hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()
    return urlencode({**full, "signature": signature})


@pytest.fixture
def shopify_c(tmp_path, http_stub):
    c = make_shopify_container(f"sqlite:///{tmp_path / 'shopify.db'}", http_stub.url)
    yield c
    c.engine.dispose()


def test_the_shopify_proxy_shows_branch_hours_deadline_phone_and_scans_on_a_phone(
    shopify_c, live_app, browser, http_stub
):
    from webapp.app import create_app

    c = shopify_c
    np = NovaPoshtaStandIn(http_stub)
    shop_id = install(c, locale="uk", timezone="Europe/Kyiv")
    connect_np(c, shop_id, np.url)
    deliver = Deliver(create_app(container=c).test_client())
    customer = {"id": 707070, "first_name": "Оксана", "last_name": "Мороз", "phone": None}
    order = new_order(id=4242, name="#4242", customer=customer, customer_locale="uk")
    assert deliver("orders/create", order).status_code == 200
    f = fulfillment(8001, "20450011112222", tracking_company="Nova Poshta")
    f.update(order_id=4242, name="#4242.1", shipment_status="in_transit")
    assert deliver("fulfillments/create", f).status_code == 200
    for code, scan in (("5", "14.09.2026 09:00:00"), ("7", "14.09.2026 15:24:19")):
        np.records["20450011112222"] = record(
            "20450011112222", code, scan=scan, DatePayedKeeping="21.09.2026 00:00:00"
        )
        clock = FakeClock()
        now = datetime.now(UTC) + (timedelta(hours=7) if code == "7" else timedelta(0))
        poll_tick(c, now=now, clock=clock, sleep=clock.sleep)
    with c.session() as s:
        assert s.get_one(Shop, shop_id).domain == DOMAIN
    base = live_app(c)
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="uk")
    page = context.new_page()
    try:
        query = proxy_query({"logged_in_customer_id": "707070", "format": "html"})
        page.goto(f"{base}/shopify/proxy?{query}")
        pickup = page.locator(".wismo-pickup").inner_text()
        assert "Відділення №12" in pickup and "Заберіть до 20 вересня 2026" in pickup
        assert "пн–пт 08:00–20:00, сб 09:00–18:00, нд зачинено" in pickup
        assert page.locator(".wismo-carrier-contact a").inner_text() == "+380 800 500 609"
        scans = page.locator(".wismo-scans li").all_inner_texts()
        assert len(scans) == 2 and "Прибув на відділення" in scans[0]
        assert no_sideways_scroll(page)
        screenshot(page, "shopify-proxy-carrier-uk-390")
    finally:
        context.close()
