"""The merchant admin inside Shopify: the session token, not a cookie, says who the shop is."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from core.storage.models import Shop
from tests.adapters.shopify.conftest import API_KEY, DOMAIN, install
from tests.adapters.shopify.test_auth import session_token


@pytest.fixture
def installed(shopify_container):
    return install(shopify_container)


GENERAL = {
    "locale": "uk",
    "timezone": "Europe/Kyiv",
    "quiet_start": "21:00",
    "quiet_end": "08:00",
    "debounce_minutes": "2",
}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_a_session_token_opens_the_admin_as_the_shops_owner(client, installed):
    token = session_token()
    r = client.get(f"/admin/settings?id_token={token}&shop={DOMAIN}&host=YWRtaW4&embedded=1")
    assert r.status_code == 200, r.status_code
    csp = r.headers["Content-Security-Policy"]
    assert f"frame-ancestors https://{DOMAIN} https://admin.shopify.com" in csp
    assert "X-Frame-Options" not in r.headers
    html = r.get_data(as_text=True)
    # links and form actions stay embedded but never carry the token (access logs, referrers)
    assert token not in html and "id_token" not in html
    assert f'href="/admin/orders?embedded=1&amp;shop={DOMAIN}&amp;host=YWRtaW4"' in html


def test_every_embedded_admin_page_loads_app_bridge_first_with_a_csp_for_exactly_its_origin(
    client, installed
):
    token = session_token()
    for path in ("/admin/settings", "/admin/orders", "/admin/onboarding", "/admin/dashboard"):
        r = client.get(f"{path}?id_token={token}&shop={DOMAIN}&embedded=1")
        assert r.status_code == 200, (path, r.status_code)
        head = r.get_data(as_text=True).split("</head>")[0]
        scripts = re.findall(r'<script src="([^"]+)"', head)
        assert scripts[0] == "https://cdn.shopify.com/shopifycloud/app-bridge.js", path
        assert f'<meta name="shopify-api-key" content="{API_KEY}">' in head
        script_src = next(
            d
            for d in r.headers["Content-Security-Policy"].split("; ")
            if d.startswith("script-src")
        )
        assert script_src == "script-src 'self' https://cdn.shopify.com", path
    # the standalone admin keeps its strict policy and no App Bridge
    r = client.get("/admin/sign-in")
    assert "app-bridge.js" not in r.get_data(as_text=True)
    assert "script-src 'self';" in r.headers["Content-Security-Policy"]


def test_the_embedded_form_script_is_served(client):
    with client.get("/shopify/static/embedded-admin.js") as r:
        assert r.status_code == 200 and b"fetch(form.action" in r.data


def test_a_cross_site_post_with_the_token_in_the_url_does_nothing(
    client, installed, shopify_container
):
    """The attack from issue 17: a valid token in the query, no cookie, no CSRF field."""
    token = session_token()
    r = client.post(
        f"/admin/onboarding/test?id_token={token}&shop={DOMAIN}&embedded=1",
        data={"to": "victim@example.com"},
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 400, r.status_code
    r = client.post(
        f"/admin/settings/general?id_token={token}",
        data=GENERAL,
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 400
    with shopify_container.session() as s:
        shop = s.get(Shop, installed)
        assert "test_sent_at" not in (shop.state or {}).get("admin", {})
        assert shop.settings.get("locale") != "uk"


def test_an_embedded_form_post_needs_the_header_token_and_the_csrf_token(
    client, installed, shopify_container
):
    bearer = {"Authorization": f"Bearer {session_token()}"}
    page = client.get(f"/admin/settings?shop={DOMAIN}&embedded=1", headers=bearer)
    assert page.status_code == 200
    csrf = csrf_of(page.get_data(as_text=True))
    # the bearer token alone is not enough: CSRF is checked however the user signed in
    r = client.post(
        f"/admin/settings/general?shop={DOMAIN}&embedded=1", data=GENERAL, headers=bearer
    )
    assert r.status_code == 400
    with shopify_container.session() as s:
        assert s.get(Shop, installed).settings.get("locale") != "uk"
    # a later session token of the same Shopify session (the iframe keeps no cookie) still fits
    fresh = {"Authorization": f"Bearer {session_token(jti='another-jti')}"}
    client.delete_cookie("wismo_admin")
    r = client.post(
        f"/admin/settings/general?shop={DOMAIN}&embedded=1",
        data={**GENERAL, "csrf_token": csrf},
        headers=fresh,
    )
    assert r.status_code in (200, 302, 303), r.get_data(as_text=True)[:500]
    with shopify_container.session() as s:
        assert s.get(Shop, installed).settings["locale"] == "uk"
    # another Shopify user session's CSRF token does not fit this one
    other = {"Authorization": f"Bearer {session_token(sid='session-2')}"}
    client.delete_cookie("wismo_admin")
    r = client.post(
        f"/admin/settings/general?shop={DOMAIN}&embedded=1",
        data={**GENERAL, "csrf_token": csrf},
        headers=other,
    )
    assert r.status_code == 400


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
    r = client.get("/admin/", headers={"Authorization": f"Bearer {session_token()}"})
    assert r.status_code == 401


def test_without_a_token_the_cookie_sign_in_still_decides(client, installed):
    r = client.get("/admin/settings")
    assert r.status_code in (302, 303)
    assert "/admin/sign-in" in r.headers["Location"]


def test_the_embedded_home_links_to_the_admin_without_its_token(client, installed):
    token = session_token()
    r = client.get(f"/shopify/app?id_token={token}&shop={DOMAIN}&host=YWRtaW4&embedded=1")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Open the Wismo admin" in html
    link = html.split("Open the Wismo admin")[0].rsplit('href="', 1)[1].split('"')[0]
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query == {"shop": [DOMAIN], "host": ["YWRtaW4"], "embedded": ["1"]}
    assert token not in html
