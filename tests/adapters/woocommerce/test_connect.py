"""Linking a store: the app authorisation flow, pasted keys, the status check, the CLI."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from adapters.woocommerce.connect import woo_state
from core import signing
from core.storage.migrations import upgrade
from core.storage.models import Shop
from tests.conftest import TEST_ALLOW_PRIVATE_URLS, add_shop
from webapp import create_app
from wismo.cli import main

from .wc_store import BASE, CK, CS, WooStore


@pytest.fixture
def store(http_stub):
    return WooStore(http_stub)


@pytest.fixture
def woo(container):
    return add_shop(container, platform="woocommerce", name="Woo Shop")


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


def signed(secret, payload, msg_id="m1"):
    """A request as the plugin signs it (Standard Webhooks with the shop's whsec_ secret)."""
    body = json.dumps(payload).encode()
    return body, {
        "Content-Type": "application/json",
        **signing.sign_headers(secret, msg_id, int(time.time()), body),
    }


def webhooks_registered(http_stub, container, shop_id):
    """Wait for the background registration to finish (webhook ids saved), then the requests."""
    deadline = time.time() + 5
    while time.time() < deadline:
        with container.session() as s:
            if woo_state(s.get(Shop, shop_id)).get("webhooks"):
                break
        time.sleep(0.05)
    return http_stub.requests_to("POST", f"{BASE}/webhooks")


def test_the_app_authorisation_flow_links_the_store(client, container, woo, store, http_stub):
    body, headers = signed(
        woo.webhook_secret,
        {"store_url": store.url + "/", "return_url": store.url + "/wp-admin/admin.php?page=wismo"},
    )
    r = client.post(f"/woocommerce/{woo.shop.key}/connect/start", data=body, headers=headers)
    assert r.status_code == 200
    url = urlsplit(r.json["authorize_url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == store.url + "/wc-auth/v1/authorize"
    q = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert q["app_name"] == "Wismo" and q["scope"] == "read_write"
    assert q["return_url"] == store.url + "/wp-admin/admin.php?page=wismo"
    assert q["callback_url"] == f"http://wismo.test/woocommerce/{woo.shop.key}/connect/callback"

    # WooCommerce, once the merchant approves, posts the keys to the callback
    granted = {
        "key_id": 1,
        "user_id": q["user_id"],
        "consumer_key": CK,
        "consumer_secret": CS,
        "key_permissions": "read_write",
    }
    cb = client.post(f"/woocommerce/{woo.shop.key}/connect/callback", json=granted)
    assert cb.status_code == 200 and cb.data == b""
    assert len(webhooks_registered(http_stub, container, woo.shop.id)) == 4
    replay = client.post(f"/woocommerce/{woo.shop.key}/connect/callback", json=granted)
    assert replay.status_code == 401  # the nonce is spent
    with container.session() as s:
        shop = s.get(Shop, woo.shop.id)
        secrets = container.box.open(shop.secrets)
        assert (secrets["consumer_key"], secrets["consumer_secret"]) == (CK, CS)
        assert CK not in json.dumps(shop.settings) + json.dumps(shop.state)  # sealed only
        assert shop.settings["woocommerce"]["store_url"] == store.url


def test_a_callback_nobody_started_is_refused(client, woo):
    forged = {"user_id": "guess", "consumer_key": CK, "consumer_secret": CS}
    r = client.post(f"/woocommerce/{woo.shop.key}/connect/callback", json=forged)
    assert r.status_code == 401


def test_pasted_keys_need_the_shops_signature_or_api_key(client, container, woo, store, http_stub):
    payload = {"store_url": store.url, "consumer_key": CK, "consumer_secret": CS}
    body, headers = signed("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB", payload)
    r = client.post(f"/woocommerce/{woo.shop.key}/connect/keys", data=body, headers=headers)
    assert r.status_code == 401
    bad = client.post(
        f"/woocommerce/{woo.shop.key}/connect/keys",
        json={**payload, "consumer_key": "oops"},
        headers={"Authorization": f"Bearer {woo.api_key}"},
    )
    assert bad.status_code == 400 and "ck_" in bad.json["error"]
    ok = client.post(
        f"/woocommerce/{woo.shop.key}/connect/keys",
        json=payload,
        headers={"Authorization": f"Bearer {woo.api_key}"},
    )
    assert ok.status_code == 202
    assert len(webhooks_registered(http_stub, container, woo.shop.id)) == 4


def test_the_status_check_reports_the_link(client, container, woo, store, http_stub):
    body, headers = signed(woo.webhook_secret, {})
    r = client.post(f"/woocommerce/{woo.shop.key}/status", data=body, headers=headers)
    assert r.status_code == 200 and r.json["connected"] is False
    client.post(
        f"/woocommerce/{woo.shop.key}/connect/keys",
        json={"store_url": store.url, "consumer_key": CK, "consumer_secret": CS},
        headers={"Authorization": f"Bearer {woo.api_key}"},
    )
    webhooks_registered(http_stub, container, woo.shop.id)
    body, headers = signed(woo.webhook_secret, {}, msg_id="m2")
    r = client.post(f"/woocommerce/{woo.shop.key}/status", data=body, headers=headers)
    assert r.json["connected"] is True and r.json["store_url"] == store.url
    assert sorted(r.json["webhooks"]) == sorted(
        ["order.created", "order.updated", "order.deleted", "order.restored"]
    )


def test_shops_add_links_a_store_from_the_command_line(tmp_path, monkeypatch, store, http_stub):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("WISMO_DATABASE_URL", url)
    monkeypatch.setenv("WISMO_PUBLIC_URL", "https://wismo.example")
    # the stand-in store listens on loopback: allowed as a self-hoster allows a private net
    monkeypatch.setenv("WISMO_ALLOW_PRIVATE_URLS", TEST_ALLOW_PRIVATE_URLS)
    args = ["shops", "add", "--platform", "woocommerce", "--name", "Kettles", "--url", store.url]
    result = CliRunner().invoke(main, [*args, "--consumer-key", CK, "--consumer-secret", CS])
    assert result.exit_code == 0, result.output
    assert "linked:" in result.output and "wismo backfill --shop" in result.output
    posts = http_stub.requests_to("POST", f"{BASE}/webhooks")
    assert posts[0].json()["delivery_url"].startswith("https://wismo.example/webhooks/woocommerce/")
    half = CliRunner().invoke(main, [*args, "--consumer-key", CK])
    assert half.exit_code != 0 and "--consumer-secret" in half.output


def test_the_plugin_maps_custom_statuses_and_the_completed_choice(client, container, woo):
    body, headers = signed(
        woo.webhook_secret,
        {"completed": "delivered", "statuses": {"wc-awaiting-pickup": "ready_for_pickup"}},
    )
    r = client.post(f"/woocommerce/{woo.shop.key}/settings", data=body, headers=headers)
    assert r.status_code == 200
    assert r.json == {"completed": "delivered", "statuses": {"awaiting-pickup": "ready_for_pickup"}}
    with container.session() as s:
        assert s.get(Shop, woo.shop.id).settings["woocommerce"]["completed"] == "delivered"
    body, headers = signed(
        woo.webhook_secret, {"completed": "eaten", "statuses": {"x": "teleported"}}, msg_id="m2"
    )
    bad = client.post(f"/woocommerce/{woo.shop.key}/settings", data=body, headers=headers)
    assert bad.status_code == 400
    assert set(bad.json["errors"]) == {"completed", "statuses.x"}
    unsigned = client.post(f"/woocommerce/{woo.shop.key}/settings", json={"completed": "shipped"})
    assert unsigned.status_code == 401


def _paste(client, woo, store, secret=CS):
    payload = {"store_url": store.url, "consumer_key": CK, "consumer_secret": secret}
    auth = {"Authorization": f"Bearer {woo.api_key}"}
    return client.post(f"/woocommerce/{woo.shop.key}/connect/keys", json=payload, headers=auth)


def _key_check(container, shop_id, wanted):
    deadline = time.time() + 5
    while time.time() < deadline:
        with container.session() as s:
            check = woo_state(s.get(Shop, shop_id)).get("key_check") or {}
        if check.get("ok") is wanted:
            return check
        time.sleep(0.05)
    raise AssertionError(f"key_check never became {wanted}: {check}")


def _status(client, woo, msg_id):
    body, headers = signed(woo.webhook_secret, {}, msg_id=msg_id)
    return client.post(f"/woocommerce/{woo.shop.key}/status", data=body, headers=headers).json


def test_a_mistyped_secret_never_replaces_working_keys(client, container, woo, store, http_stub):
    assert _paste(client, woo, store).status_code == 202
    _key_check(container, woo.shop.id, True)
    assert _paste(client, woo, store, secret="cs_" + "c" * 40).status_code == 202
    check = _key_check(container, woo.shop.id, False)
    assert "401" in check["error"]
    with container.session() as s:
        secrets = container.box.open(s.get(Shop, woo.shop.id).secrets)
    assert secrets["consumer_secret"] == CS and "pending_keys" not in secrets
    status = _status(client, woo, "m-after")
    assert status["linked"] is True and status["key_check"]["ok"] is False
    assert status["live"]["ok"] is True  # the old keys still reach the store


def test_connected_means_the_store_just_answered_with_active_webhooks(
    client, container, woo, store, http_stub
):
    _paste(client, woo, store)
    _key_check(container, woo.shop.id, True)
    assert _status(client, woo, "m-ok")["connected"] is True
    for hook in store.webhooks.values():
        hook["status"] = "disabled"  # WooCommerce gave up after failed deliveries
    status = _status(client, woo, "m-disabled")
    assert status["connected"] is False
    assert "order.updated (disabled)" in status["live"]["error"]


def test_a_refused_delivery_is_recorded_for_the_merchant(client, container, woo):
    body = b'{"id": 1}'
    headers = {"X-WC-Webhook-Signature": "bm90IGl0", "X-WC-Webhook-Topic": "order.updated"}
    r = client.post(f"/webhooks/woocommerce/{woo.shop.key}", data=body, headers=headers)
    assert r.status_code == 401
    status = _status(client, woo, "m-refused")
    assert status["last_refused_at"] and status["refused_since_last_received"] == 1
    assert status["last_refused_reason"]


def test_deleting_the_plugin_unfollows_the_store(client, container, woo, store, http_stub):
    _paste(client, woo, store)
    _key_check(container, woo.shop.id, True)
    assert len(store.webhooks) == 4
    body, headers = signed(woo.webhook_secret, {}, msg_id="m-bye")
    r = client.post(f"/woocommerce/{woo.shop.key}/uninstalled", data=body, headers=headers)
    assert r.status_code == 200 and r.json == {"active": False}
    deadline = time.time() + 5
    while store.webhooks and time.time() < deadline:
        time.sleep(0.05)
    assert store.webhooks == {}
    while time.time() < deadline:  # the keys go after the webhooks
        with container.session() as s:
            shop = s.get(Shop, woo.shop.id)
            active, secrets = shop.active, container.box.open(shop.secrets)
        if "consumer_key" not in secrets:
            break
        time.sleep(0.05)
    assert active is False and "consumer_key" not in secrets
    unsigned = client.post(f"/woocommerce/{woo.shop.key}/uninstalled", json={})
    assert unsigned.status_code in (401, 404)


def test_an_approved_key_replacing_a_pasted_one_names_the_old_one_for_revoking(
    client, container, woo, store, http_stub
):
    assert _paste(client, woo, store).status_code == 202  # pasted by hand first
    _key_check(container, woo.shop.id, True)
    assert _status(client, woo, "m-pasted")["replaced_key"] is None

    approved_ck, approved_cs = "ck_" + "d" * 40, "cs_" + "e" * 40
    store.keys[approved_ck] = approved_cs  # WC_Auth::create_keys made a second key
    body, headers = signed(woo.webhook_secret, {"store_url": store.url}, msg_id="m-start")
    start = client.post(f"/woocommerce/{woo.shop.key}/connect/start", data=body, headers=headers)
    nonce = parse_qs(urlsplit(start.json["authorize_url"]).query)["user_id"][0]
    granted = {
        "key_id": 2,
        "user_id": nonce,
        "consumer_key": approved_ck,
        "consumer_secret": approved_cs,
        "key_permissions": "read_write",
    }
    callback = client.post(f"/woocommerce/{woo.shop.key}/connect/callback", json=granted)
    assert callback.status_code == 200
    check = _key_check(container, woo.shop.id, True)
    assert (check["via"], check["webhooks"]) == ("authorize", 4)

    status = _status(client, woo, "m-approved")
    # what WooCommerce keeps in woocommerce_api_keys.consumer_key: wc_api_hash(ck)
    old_hash = hmac.new(b"wc-api", CK.encode(), hashlib.sha256).hexdigest()
    assert status["replaced_key"] == {"hash": old_hash, "hint": CK[-7:]}
    assert status["key_hint"] == approved_ck[-7:] and status["connected"] is True
    assert status["key_hash"] == hmac.new(b"wc-api", approved_ck.encode(), "sha256").hexdigest()
    assert CK not in json.dumps(status) and approved_ck not in json.dumps(status)
    with container.session() as s:
        secrets = container.box.open(s.get(Shop, woo.shop.id).secrets)
    assert secrets["consumer_key"] == approved_ck

    del store.keys[CK]  # the plugin revoked it: Wismo never needs it again
    assert _status(client, woo, "m-revoked")["live"]["ok"] is True

    store.keys[CK] = CS
    _paste(client, woo, store)  # keys pasted later are the merchant's choice: nothing to revoke
    _key_check(container, woo.shop.id, True)
    assert _status(client, woo, "m-pasted-again")["replaced_key"] is None
