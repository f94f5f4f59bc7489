"""The merchant admin inside Shopify: the session token, not a cookie, says who the shop is."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.adapters.shopify.conftest import DOMAIN, install
from tests.adapters.shopify.test_auth import session_token


@pytest.fixture
def installed(shopify_container):
    return install(shopify_container)


def test_a_session_token_opens_the_admin_as_the_shops_owner(client, installed):
    token = session_token()
    r = client.get(f"/admin/settings?id_token={token}&shop={DOMAIN}&embedded=1")
    assert r.status_code == 200, r.status_code
    csp = r.headers["Content-Security-Policy"]
    assert f"frame-ancestors https://{DOMAIN} https://admin.shopify.com" in csp
    assert "X-Frame-Options" not in r.headers
    # links and form actions keep the token, so the next click stays signed in
    assert f"id_token={token}" in r.get_data(as_text=True)


def test_a_form_post_with_the_token_needs_no_csrf_cookie(client, installed, shopify_container):
    token = session_token()
    r = client.post(
        f"/admin/settings/general?id_token={token}",
        data={
            "locale": "uk",
            "timezone": "Europe/Kyiv",
            "quiet_start": "21:00",
            "quiet_end": "08:00",
            "debounce_minutes": "2",
        },
    )
    assert r.status_code in (200, 302, 303), r.get_data(as_text=True)[:500]
    from core.storage.models import Shop

    with shopify_container.session() as s:
        assert s.get(Shop, installed).settings["locale"] == "uk"


def test_a_forged_or_missing_token_never_reaches_the_admin(client, installed):
    forged = session_token(secret="shpss_attacker_0123456789abcdef0123456789")
    r = client.get(f"/admin/?id_token={forged}", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    assert r.headers["X-Shopify-Retry-Invalid-Session-Request"] == "1"
    # an embedded document load without a token bounces through the patch page
    r = client.get(f"/admin/?shop={DOMAIN}&host=YWRtaW4&embedded=1")
    assert r.status_code == 302
    assert urlsplit(r.headers["Location"]).path == "/shopify/app/patch-id-token"


def test_a_shop_that_uninstalled_gets_no_admin(client, shopify_container):
    r = client.get(f"/admin/?id_token={session_token()}")
    assert r.status_code == 401


def test_without_a_token_the_cookie_sign_in_still_decides(client, installed):
    r = client.get("/admin/settings")
    assert r.status_code in (302, 303)
    assert "/admin/sign-in" in r.headers["Location"]


def test_the_embedded_home_links_to_the_admin_with_its_token(client, installed):
    token = session_token()
    r = client.get(f"/shopify/app?id_token={token}&shop={DOMAIN}&embedded=1")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    link = html.split('href="', 2)[1].split('"')[0] if "Open the Wismo admin" in html else ""
    assert "Open the Wismo admin" in html
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query.get("id_token") == [token] or f"id_token={token}" in html
