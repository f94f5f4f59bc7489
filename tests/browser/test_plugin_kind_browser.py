"""A plug-in's kind of message (tests/plugins: `push`) as a merchant and a shopper see it, in
Ukrainian on a phone: its own name and its fields' labels in the admin, a switch on the
tracking page's preferences; neither page wider than the window."""

from __future__ import annotations

from sqlalchemy import select

from core.storage.models import Order, Shop
from tests.conftest import add_shop
from tests.shopper.orders import track_path
from tests.support.browser import screenshot
from tests.webapp.admin.helpers import make_staff
from tests.webapp.admin.test_browser import sign_in
from tests.webapp.test_outside_plugins import api_event, post_event
from webapp import create_app


def push_shop(c, url: str):
    new = add_shop(
        c,
        name="Чайники та Ко",
        locale="uk",
        channels={"push": [{"provider": "pushy", "url": url}]},
        policy={"matrix": {"placed": {"push": True}, "shipped": {"push": True}}},
    )
    with c.session() as s, s.begin():
        shop = s.get(Shop, new.shop.id)
        secrets = {**c.box.open(shop.secrets), "channels": {"push": [{"token": "t"}]}}
        shop.secrets = c.box.seal(secrets)
    make_staff(c, new.shop.id, "owner@kettles.example")
    return new


def test_a_plugin_kind_in_ukrainian_on_a_phone(
    test_plugins, sqlite_container, live_app, browser, http_stub
):
    http_stub.route("POST", "/v1/push", status=202, json={"id": "push-1"})
    c = sqlite_container
    new = push_shop(c, http_stub.url_for("/v1/push"))
    shopper = {"id": "cust-7", "email": "o@example.com", "locale": "uk"}
    client = create_app(container=c).test_client()
    assert (
        post_event(client, new, api_event("e-1", "1001", "shipped", **shopper)).status_code == 202
    )
    with c.session() as s:
        order_id = s.scalars(select(Order.id)).one()
    base = live_app(c)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="uk")
    page = context.new_page()
    try:
        sign_in(page, base)
        page.goto(base + "/admin/settings#channels")
        push = page.locator('fieldset[data-kind="push"]')
        assert push.locator("legend").inner_text() == "Сповіщення в застосунку"
        page.select_option('fieldset[data-kind="push"] select[name=provider]', "pushy")
        text = push.inner_text()  # the provider's own fields, in uk, under its name
        assert "Pushy app notifications\n" in text and "Адреса API" in text and "Токен" in text
        assert not page.evaluate("document.documentElement.scrollWidth > innerWidth")
        push.scroll_into_view_if_needed()
        whole = screenshot(page, "plugin-kind-admin-settings-uk-390")
        push.screenshot(path=str(whole.with_name("plugin-kind-admin-push-uk-390.png")))

        page.goto(base + track_path(c, new.shop.id, order_id) + "#preferences")
        switch = page.get_by_label("Сповіщення в застосунку")
        assert switch.is_checked()
        assert not page.evaluate("document.documentElement.scrollWidth > innerWidth")
        screenshot(page, "plugin-kind-tracking-preferences-uk-390")
    finally:
        context.close()
