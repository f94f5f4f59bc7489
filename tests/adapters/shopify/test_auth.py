"""Install (OAuth), session tokens and app proxy signatures, with Shopify's documented vectors."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from shopify_app import ShopifyApp
from sqlalchemy import select

from adapters.shopify import auth
from adapters.shopify.tokens import load_tokens
from core.storage.models import Shop
from tests.adapters.shopify.conftest import API_KEY, DOMAIN, PREVIOUS, SECRET

DOC_OAUTH_QUERY = (
    "code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
    "&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173"
)
DOC_PROXY_QUERY = (
    "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1"
    "&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555"
    "&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb"
)


def pairs(query: str) -> list[tuple[str, str]]:
    return [(k, v) for k, vs in parse_qs(query).items() for v in vs]


# --- pure checks with Shopify's documented examples (secret "hush") -------------------------


DOC_TIME = 1337178173 + 60  # a minute after Shopify's documented example was signed


def test_oauth_query_hmac_matches_shopifys_documented_example():
    assert auth.query_hmac_ok(pairs(DOC_OAUTH_QUERY), "hush", now=DOC_TIME)
    assert auth.query_hmac_ok(pairs(DOC_OAUTH_QUERY), "new-secret", previous="hush", now=DOC_TIME)
    assert not auth.query_hmac_ok(pairs(DOC_OAUTH_QUERY), "hash", now=DOC_TIME)
    tampered = DOC_OAUTH_QUERY.replace("some-shop", "evil-shop")
    assert not auth.query_hmac_ok(pairs(tampered), "hush", now=DOC_TIME)


def test_a_correctly_signed_install_link_older_than_a_day_is_refused():
    assert auth.query_hmac_ok(pairs(DOC_OAUTH_QUERY), "hush", now=DOC_TIME + 23 * 3600)
    assert not auth.query_hmac_ok(pairs(DOC_OAUTH_QUERY), "hush", now=DOC_TIME + 25 * 3600)


def shopifyapi_hmac(params: dict, secret: str) -> str:
    """The hmac Shopify's official ShopifyAPI computes for a query."""
    import shopify

    shopify.Session.setup(api_key=API_KEY, secret=secret)
    return shopify.Session.calculate_hmac(params)


@pytest.mark.parametrize(
    "params",
    [
        {"shop": DOMAIN, "state": "a&b=c", "timestamp": "1337178173"},
        {"shop": DOMAIN, "note": "100%25 & more", "timestamp": "1337178173"},
        {"shop": DOMAIN, "a=b": "c", "timestamp": "1337178173"},
        {"shop": DOMAIN, "signature": "kept", "timestamp": "1337178173"},
    ],
    ids=["ampersand", "percent", "equals-in-key", "signature-is-signed"],
)
def test_install_hmac_agrees_with_shopifyapi_on_escaped_values(params):
    import shopify

    digest = shopifyapi_hmac(params, "hush")
    signed = [*params.items(), ("hmac", digest)]
    assert auth.query_hmac_ok(signed, "hush", now=DOC_TIME)
    assert shopify.Session.validate_hmac({**params, "hmac": digest})
    # the hand-written check this replaced joined raw values: a value holding `&k=v`
    # signed the same as a separate pair, so one signed query could be read as another
    naive = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    naive_digest = hmac.new(b"hush", naive.encode(), hashlib.sha256).hexdigest()
    if naive_digest != digest:
        assert not auth.query_hmac_ok(
            [*params.items(), ("hmac", naive_digest)], "hush", now=DOC_TIME
        )


def test_a_stale_install_link_gets_401(client):
    params = {"shop": DOMAIN, "timestamp": str(int(time.time()) - 2 * 86400)}
    digest = shopifyapi_hmac(params, SECRET)
    r = client.get(f"/shopify/install?{urlencode({**params, 'hmac': digest})}")
    assert r.status_code == 401
    params["timestamp"] = str(int(time.time()))
    digest = shopifyapi_hmac(params, SECRET)
    r = client.get(f"/shopify/install?{urlencode({**params, 'hmac': digest})}")
    assert r.status_code == 302


def test_app_proxy_signature_matches_shopifys_documented_example(monkeypatch):
    import shopify_app.verify.app_proxy as module

    monkeypatch.setattr(module.time, "time", lambda: 1317327555 + 30)
    app = ShopifyApp("client-id", "hush")
    v = auth.verify_proxy(app, f"https://proxy.example/proxy/extra?{DOC_PROXY_QUERY}", {})
    assert (v.ok, v.shop, v.customer_id) == (True, "shop-name.myshopify.com", "1")
    forged = DOC_PROXY_QUERY.replace("logged_in_customer_id=1", "logged_in_customer_id=2")
    assert not auth.verify_proxy(app, f"https://proxy.example/p?{forged}", {}).ok


def test_app_proxy_signature_older_than_90_seconds_is_refused(monkeypatch):
    import shopify_app.verify.app_proxy as module

    monkeypatch.setattr(module.time, "time", lambda: 1317327555 + 600)
    app = ShopifyApp("client-id", "hush")
    v = auth.verify_proxy(app, f"https://proxy.example/proxy?{DOC_PROXY_QUERY}", {})
    assert not v.ok and v.status == 401


@pytest.mark.parametrize(
    ("given", "valid"),
    [
        ("anna.myshopify.com", "anna.myshopify.com"),
        ("Anna-Shop.MyShopify.com", "anna-shop.myshopify.com"),
        ("anna.myshopify.com.evil.com", None),
        ("https://anna.myshopify.com", None),
        ("evil.com/anna.myshopify.com", None),
        ("anna.myshopify.com/admin", None),
        ("", None),
        (None, None),
    ],
)
def test_shop_hosts_are_validated(given, valid):
    assert auth.valid_shop(given) == valid


# --- session tokens (embedded admin) ------------------------------------------------------


def session_token(secret: str = SECRET, **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": f"https://{DOMAIN}/admin",
        "dest": f"https://{DOMAIN}",
        "aud": API_KEY,
        "sub": "42",
        "exp": now + 60,
        "nbf": now - 5,
        "iat": now - 5,
        "jti": "a4f1d7e0-0000-4000-8000-000000000001",
        "sid": "session-1",
        **claims,
    }
    return jwt.encode(
        {k: v for k, v in payload.items() if v is not None}, secret, algorithm="HS256"
    )


@pytest.mark.parametrize(
    "token",
    [
        lambda: session_token(secret="shpss_attacker_0123456789abcdef0123456789"),
        lambda: session_token(exp=int(time.time()) - 3600),
        lambda: session_token(aud="another-app"),
        lambda: "not-a-jwt",
    ],
    ids=["forged", "expired", "other-app", "garbage"],
)
def test_a_bad_session_token_gets_401_with_the_retry_header(client, token):
    r = client.get("/shopify/app/api/summary", headers={"Authorization": f"Bearer {token()}"})
    assert r.status_code == 401
    assert r.headers["X-Shopify-Retry-Invalid-Session-Request"] == "1"


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://other-shop.myshopify.com/admin"},
        {"iss": "https://evil.example/admin", "dest": "https://evil.example"},
        {"jti": None},
        {"sid": None},
    ],
    ids=["iss-is-not-dest", "dest-not-myshopify", "no-jti", "no-sid"],
)
def test_session_tokens_shopifyapi_refuses_get_401_too(client, claims):
    import shopify.session_token

    token = session_token(**claims)
    with pytest.raises(shopify.session_token.SessionTokenError):
        shopify.session_token.decode_from_header(f"Bearer {token}", API_KEY, SECRET)
    r = client.get("/shopify/app/api/summary", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.headers["X-Shopify-Retry-Invalid-Session-Request"] == "1"


def test_a_good_session_token_passes_shopifyapi_and_us(client):
    import shopify.session_token

    token = session_token()
    shopify.session_token.decode_from_header(f"Bearer {token}", API_KEY, SECRET)
    r = client.get("/shopify/app/api/summary", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200


def test_a_session_token_signed_with_the_previous_secret_is_accepted(client):
    r = client.get(
        "/shopify/app/api/summary",
        headers={"Authorization": f"Bearer {session_token(secret=PREVIOUS)}"},
    )
    assert r.status_code == 200
    assert r.get_json() == {"installed": False}


def test_the_admin_page_without_a_token_bounces_to_the_patch_page(client):
    r = client.get(f"/shopify/app?shop={DOMAIN}&host=YWRtaW4")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("http://localhost/shopify/app/patch-id-token?")
    page = client.get(urlsplit(r.headers["Location"])._replace(scheme="", netloc="").geturl())
    assert page.status_code == 200
    assert f'data-api-key="{API_KEY}"' in page.get_data(as_text=True)


def test_first_admin_visit_installs_by_token_exchange_and_frames_only_in_shopify(
    client, shopify_container, http_stub
):
    http_stub.route(
        "POST",
        "/admin/oauth/access_token",
        json={
            "access_token": "shpat_exchanged",
            "scope": "read_orders,read_fulfillments",
            "expires_in": 3600,
            "refresh_token": "shprt_first",
            "refresh_token_expires_in": 7776000,
        },
    )
    http_stub.route(
        "POST",
        "/admin/api/2026-10/graphql.json",
        handler=lambda req: (
            200,
            {},
            {"data": {"ordersCount": {"count": 0}}}
            if "ordersCount" in req.json()["query"]
            else {"data": {"orders": {"nodes": [], "pageInfo": {"hasNextPage": False}}}},
        ),
    )
    token = session_token()
    r = client.get(f"/shopify/app?shop={DOMAIN}&host=YWRtaW4&id_token={token}&embedded=1")
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.headers["Content-Security-Policy"] == (
        f"frame-ancestors https://{DOMAIN} https://admin.shopify.com;"
    )
    assert "Wismo is active" in r.get_data(as_text=True)
    (exchange,) = http_stub.requests_to("POST", "/admin/oauth/access_token")
    assert exchange.headers["Host"] == DOMAIN
    assert exchange.json() == {
        "client_id": API_KEY,
        "client_secret": SECRET,
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": token,
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
        "expiring": 1,
    }
    with shopify_container.session() as s:
        shop = s.scalars(select(Shop).where(Shop.domain == DOMAIN)).one()
        tokens = load_tokens(shopify_container.box, shop)
        assert (shop.platform, shop.active) == ("shopify", True)
        assert tokens.access_token == "shpat_exchanged"
        assert tokens.refresh_token == "shprt_first"
        assert "shpat_exchanged" not in (shop.secrets or "")  # sealed, not plain
        assert shop.state["shopify"]["backfilled_at"]  # the install imported open orders


@pytest.mark.parametrize(
    ("shopify_says", "fetch", "status"),
    [
        ((400, {"error": "invalid_subject_token"}), False, 302),
        ((400, {"error": "invalid_subject_token"}), True, 401),
        ((503, {"errors": "unavailable"}), False, 503),
    ],
    ids=["stale-token-document", "stale-token-fetch", "shopify-down"],
)
def test_a_failed_first_token_exchange_never_answers_500(
    client, shopify_container, http_stub, shopify_says, fetch, status
):
    code, body = shopify_says
    http_stub.route("POST", "/admin/oauth/access_token", status=code, json=body)
    token = session_token()
    if fetch:
        r = client.get("/shopify/app", headers={"Authorization": f"Bearer {token}"})
    else:
        r = client.get(f"/shopify/app?shop={DOMAIN}&host=YWRtaW4&id_token={token}&embedded=1")
    assert r.status_code == status, r.get_data(as_text=True)
    if status == 302:  # the patch page fetches a fresh session token and reloads
        location = urlsplit(r.headers["Location"])
        assert location.path == "/shopify/app/patch-id-token"
        assert "id_token" not in parse_qs(location.query)
        assert parse_qs(location.query)["shopify-reload"][0].startswith("/shopify/app?")
    elif status == 401:
        assert r.headers["X-Shopify-Retry-Invalid-Session-Request"] == "1"
    else:
        assert r.headers["Retry-After"] == "60"
        assert "Reload the page" in r.get_data(as_text=True)
    with shopify_container.session() as s:
        assert s.scalars(select(Shop).where(Shop.domain == DOMAIN)).first() is None


# --- standalone install: authorization-code flow -------------------------------------------


def signed_callback(params: dict[str, str], secret: str = SECRET) -> str:
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return urlencode({**params, "hmac": digest})


def test_install_refuses_a_host_that_is_not_a_shop(client):
    r = client.get("/shopify/install?shop=evil.example.com")
    assert r.status_code == 400


def test_install_then_callback_exchanges_the_code_for_an_expiring_token(
    client, shopify_container, http_stub
):
    r = client.get(f"/shopify/install?shop={DOMAIN}")
    assert r.status_code == 302
    target = urlsplit(r.headers["Location"])
    assert (target.scheme, target.netloc, target.path) == (
        "https",
        DOMAIN,
        "/admin/oauth/authorize",
    )
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["client_id"] == API_KEY
    assert query["redirect_uri"] == "http://wismo.test/shopify/callback"
    assert "read_orders" in query["scope"] and "write_app_proxy" in query["scope"]
    state = query["state"]

    http_stub.route(
        "POST",
        "/admin/oauth/access_token",
        json={
            "access_token": "shpat_code",
            "scope": "read_orders",
            "expires_in": 3600,
            "refresh_token": "shprt_code",
            "refresh_token_expires_in": 7776000,
        },
    )
    http_stub.route(
        "POST",
        "/admin/api/2026-10/graphql.json",
        json={
            "data": {
                "ordersCount": {"count": 0},
                "orders": {"nodes": [], "pageInfo": {"hasNextPage": False}},
            }
        },
    )
    params = {
        "code": "c0de",
        "shop": DOMAIN,
        "state": state,
        "timestamp": str(int(time.time())),
        "host": "YWRtaW4",
    }
    r = client.get(f"/shopify/callback?{signed_callback(params)}")
    assert r.status_code == 302, r.get_data(as_text=True)
    assert r.headers["Location"] == f"https://admin.shopify.com/store/wismo-test/apps/{API_KEY}"
    (req,) = http_stub.requests_to("POST", "/admin/oauth/access_token")
    assert req.json() == {
        "client_id": API_KEY,
        "client_secret": SECRET,
        "code": "c0de",
        "expiring": 1,
    }
    with shopify_container.session() as s:
        shop = s.scalars(select(Shop).where(Shop.domain == DOMAIN)).one()
        assert load_tokens(shopify_container.box, shop).access_token == "shpat_code"


def test_callback_with_a_wrong_state_or_hmac_is_refused(client, http_stub):
    client.get(f"/shopify/install?shop={DOMAIN}")
    params = {"code": "c0de", "shop": DOMAIN, "state": "guessed", "timestamp": "1"}
    assert client.get(f"/shopify/callback?{signed_callback(params)}").status_code == 401
    client.get(f"/shopify/install?shop={DOMAIN}")
    params["state"] = "whatever"
    forged = signed_callback(params, secret="shpss_attacker_0123456789abcdef0123456789")
    assert client.get(f"/shopify/callback?{forged}").status_code == 401
    assert http_stub.requests_to("POST", "/admin/oauth/access_token") == []
