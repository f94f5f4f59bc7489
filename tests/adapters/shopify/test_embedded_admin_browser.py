"""The admin inside Shopify's iframe, in headless Chromium: navigation and a form post.

Shopify's CDN cannot be reached from the tests, so a stand-in plays App Bridge's two
documented behaviours: it adds the session token to `fetch` (Authorization: Bearer),
and on the patch page it reloads `shopify-reload` with a fresh `id_token`.
"""

from __future__ import annotations

import json

import pytest

from core.storage.models import Shop
from tests.adapters.shopify.conftest import DOMAIN, install, make_shopify_container
from tests.adapters.shopify.test_auth import session_token
from tests.support.browser import screenshot

APP_BRIDGE = "https://cdn.shopify.com/shopifycloud/app-bridge.js"
STAND_IN = """
(function () {
  var token = %s;
  var original = window.fetch;
  window.fetch = function (input, init) {
    init = init || {};
    var headers = new Headers(init.headers || {});
    headers.set("Authorization", "Bearer " + token);
    init.headers = headers;
    return original(input, init);
  };
  var reload = new URLSearchParams(location.search).get("shopify-reload");
  if (location.pathname === "/shopify/app/patch-id-token" && reload) {
    location.replace(reload + (reload.indexOf("?") < 0 ? "?" : "&") + "id_token=" + token);
  }
})();
"""


@pytest.fixture
def embedded(tmp_path, http_stub, live_app):
    c = make_shopify_container(f"sqlite:///{tmp_path / 'embedded.db'}", http_stub.url)
    shop_id = install(c)
    base = live_app(c)
    yield c, base, shop_id
    c.engine.dispose()


def test_an_embedded_form_is_sent_with_the_header_token_and_csrf_then_navigates_back(
    embedded, page
):
    c, base, shop_id = embedded
    token = session_token()
    page.route(
        APP_BRIDGE,
        lambda route: route.fulfill(
            status=200, content_type="text/javascript", body=STAND_IN % json.dumps(token)
        ),
    )
    posts: list[tuple[str, str | None]] = []
    page.on(
        "request",
        lambda r: (
            posts.append((r.url, r.headers.get("authorization"))) if r.method == "POST" else None
        ),
    )
    # a plain navigation: no token in the link, so it bounces through the patch page
    page.goto(f"{base}/admin/settings?embedded=1&shop={DOMAIN}&host=YWRtaW4")
    page.locator("#general select[name=locale]").wait_for(timeout=10_000)
    assert "id_token=" in page.url  # the reload App Bridge made, and only that
    assert "id_token" not in page.content()
    page.select_option("#general select[name=locale]", "uk")
    with page.expect_navigation(timeout=10_000):
        page.locator("#general button").first.click()
    page.locator("#general select[name=locale]").wait_for(timeout=10_000)
    with c.session() as s:
        assert s.get(Shop, shop_id).settings["locale"] == "uk"
    ((url, authorization),) = posts
    assert "id_token" not in url and authorization == f"Bearer {token}"
    screenshot(page, "shopify-embedded-admin-settings")


def test_an_embedded_filter_form_stays_embedded(embedded, page):
    c, base, shop_id = embedded
    token = session_token()
    page.route(
        APP_BRIDGE,
        lambda route: route.fulfill(
            status=200, content_type="text/javascript", body=STAND_IN % json.dumps(token)
        ),
    )
    page.goto(f"{base}/admin/log?embedded=1&shop={DOMAIN}&host=YWRtaW4")
    form = page.locator("form[method=get]").first
    form.wait_for(timeout=10_000)
    with page.expect_navigation(timeout=10_000):
        form.locator("button").first.click()
    page.locator("form[method=get]").first.wait_for(timeout=10_000)
    assert "/admin/log?" in page.url and f"shop={DOMAIN}" in page.url  # not the sign-in page
