"""Hypothesis against every receiver: a signed body of any shape never gets a 5xx.

Each receiver's own published payload is the seed; the strategies replace any part of it
(any depth) with hostile JSON: wrong types, NUL bytes, lone surrogates, huge and odd
numbers, dates at year 1 or 9999, zones like "Europe", deep nesting. The body is signed
as the platform would sign it, so the fuzzing reaches past the signature check. Bounded
in CI by WISMO_FUZZ_EXAMPLES (default 25 per receiver); docs/security.md gives the
nightly-size run.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.channels.viber import signature as viber_signature
from tests.adapters.opencart.helpers import push_body
from tests.adapters.shopify.conftest import (
    DOMAIN,
    fixture,
    install,
    make_shopify_container,
    sign,
)
from tests.adapters.woocommerce.wc import delivery, order, tracking_item, tracking_meta
from tests.conftest import add_shop
from tests.support.channels import shop_with
from webapp import create_app

EXAMPLES = int(os.environ.get("WISMO_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=os.environ.get("WISMO_FUZZ_RANDOM") != "1",  # CI repeatable; nightly explores
)

HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "ab\x00cd",
        "\ud800",
        "1e400",
        "1E+1000",
        "-1",
        "NaN",
        "Infinity",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "Europe",
        "EURO",
        "x" * 5000,
        "+380 (50) 123-45-67, Viber, after 18:00",
        "<script>alert(1)</script>",
        "\r\nSet-Cookie: a=b",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | HOSTILE_TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)


def paths(obj: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from paths(v, (*prefix, i))


def put(obj: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    cur = obj
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value
    return obj


@st.composite
def mutated(draw: Callable, seed: Any) -> Any:
    """The seed payload with one to four of its parts (at any depth) replaced by hostile JSON."""
    body = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(sorted(paths(body), key=len)[1:] or [()]))
        body = put(body, where, draw(JSON))
    return body


DEEP = b"[" * 1000 + b"]" * 1000
DEEP_OBJECT = b'{"a":' * 1000 + b"1" + b"}" * 1000


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """One app with a shop on each receiver (its secrets known), on its own SQLite file."""
    c = make_shopify_container(
        f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'wismo.db'}", "http://127.0.0.1:9"
    )
    install(c)
    woo = add_shop(c, platform="woocommerce", name="Woo")
    oc = add_shop(c, platform="opencart", name="OpenCart")
    messengers = shop_with(
        c,
        {
            "viber": [
                {"provider": "viber", "sender_name": "Shop", "base_url": "http://127.0.0.1:9"}
            ],
            "telegram": [{"provider": "telegram", "bot_username": "ShopBot"}],
        },
        {
            "viber": [{"auth_token": "vt"}],
            "telegram": [{"bot_token": "1:x", "webhook_secret": "s"}],
        },
    )
    yield {
        "client": create_app(container=c).test_client(),
        "woo": woo,
        "oc": oc,
        "messengers": messengers,
    }
    c.engine.dispose()


def no_5xx(r: Any) -> None:
    assert r.status_code < 500, r.get_data(as_text=True)[:500]


def post_woo(w: dict, raw: bytes) -> Any:
    _, headers = delivery(b"", w["woo"].webhook_secret)
    headers["X-WC-Webhook-Signature"] = _wc_sign(w["woo"].webhook_secret, raw)
    return w["client"].post(f"/webhooks/woocommerce/{w['woo'].shop.key}", data=raw, headers=headers)


def _wc_sign(secret: str, raw: bytes) -> str:
    from adapters.woocommerce.webhooks import sign as wc_sign

    return wc_sign(secret, raw)


def post_opencart(w: dict, raw: bytes) -> Any:
    from core.signing import sign_headers

    headers = {**sign_headers(w["oc"].webhook_secret, "m1", _now(), raw)}
    headers["Content-Type"] = "application/json"
    return w["client"].post(f"/webhooks/opencart/{w['oc'].shop.key}", data=raw, headers=headers)


def _now() -> int:
    import time

    return int(time.time())


def post_shopify(w: dict, raw: bytes, topic: str = "orders/updated") -> Any:
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": DOMAIN,
        "X-Shopify-Webhook-Id": "wh-fuzz",
        "X-Shopify-Triggered-At": "2026-11-22T10:00:00Z",
        "X-Shopify-Hmac-Sha256": sign(raw),
    }
    return w["client"].post("/webhooks/shopify", data=raw, headers=headers)


def post_telegram(w: dict, raw: bytes) -> Any:
    return w["client"].post(
        f"/webhooks/providers/telegram?shop={w['messengers'].shop.key}",
        data=raw,
        headers={"X-Telegram-Bot-Api-Secret-Token": "s", "Content-Type": "application/json"},
    )


def post_viber(w: dict, raw: bytes) -> Any:
    return w["client"].post(
        f"/webhooks/providers/viber?shop={w['messengers'].shop.key}",
        data=raw,
        headers={"X-Viber-Content-Signature": viber_signature("vt", raw)},
    )


def post_api(w: dict, raw: bytes) -> Any:
    return w["client"].post(
        "/api/v1/orders/events",
        data=raw,
        headers={"Authorization": f"Bearer {w['woo'].api_key}", "Content-Type": "application/json"},
    )


API_SEED = {
    "event_id": "e1",
    "order": {
        "id": "1001",
        "number": "#1001",
        "status": "shipped",
        "occurred_at": "2026-11-22T10:00:00Z",
        "customer": {
            "name": "Olena",
            "email": "olena@example.com",
            "phone": "+380501234567",
            "locale": "uk",
            "timezone": "Europe/Kyiv",
        },
        "items": [{"name": "Kettle", "quantity": 1, "price": "1250.00", "sku": "K"}],
        "total": "1250.00",
        "currency": "UAH",
        "shipment": {
            "id": "s1",
            "carrier": "Nova Poshta",
            "tracking_number": "204",
            "tracking_url": "https://example.com/t",
            "estimated_delivery": "2026-11-25",
            "items_count": 1,
            "pickup_point": {"name": "Locker 5"},
        },
    },
}
TELEGRAM_SEED = {
    "update_id": 1,
    "message": {
        "message_id": 2,
        "from": {"id": 5, "language_code": "uk"},
        "chat": {"id": 5, "type": "private"},
        "text": "/start abc",
    },
    "my_chat_member": None,
}
VIBER_SEED = {
    "event": "conversation_started",
    "timestamp": 1763805600000,
    "message_token": 4912661846655238145,
    "user": {"id": "01234567890A=", "name": "Olena", "language": "uk", "country": "UA"},
    "context": "abc",
    "subscribed": False,
}
RECEIVERS = {
    "api": (post_api, API_SEED),
    "woocommerce": (
        post_woo,
        order("completed", meta_data=[tracking_meta(tracking_item("9400111899223"))]),
    ),
    "opencart": (post_opencart, push_body()),
    "shopify": (post_shopify, fixture("shopify_dev_webhook_sample_orders_updated_2026-07.json")),
    "telegram": (post_telegram, TELEGRAM_SEED),
    "viber": (post_viber, VIBER_SEED),
}


@pytest.mark.parametrize("receiver", sorted(RECEIVERS))
def test_a_signed_hostile_payload_never_gets_a_5xx(world, receiver):
    post, seed = RECEIVERS[receiver]

    @FUZZ
    @given(mutated(seed))
    def run(body: Any) -> None:
        raw = json.dumps(body).encode()
        no_5xx(post(world, raw))

    run()


@pytest.mark.parametrize("receiver", sorted(RECEIVERS))
@pytest.mark.parametrize(
    "raw",
    [DEEP, DEEP_OBJECT, b'"\\ud800"', b'{"a": "\\u0000"}', b"\xff\xfe", b"[]", b"null", b"1e400"],
    ids=["deep-list", "deep-object", "surrogate", "nul", "not-utf8", "list", "null", "number"],
)
def test_hand_made_bodies_get_a_4xx_or_2xx_on_every_receiver(world, receiver, raw):
    post, _ = RECEIVERS[receiver]
    no_5xx(post(world, raw))


@pytest.mark.parametrize("receiver", sorted(RECEIVERS))
def test_the_seed_payload_itself_is_accepted(world, receiver):
    """The fuzzing starts from payloads that work, so it explores past validation."""
    post, seed = RECEIVERS[receiver]
    r = post(world, json.dumps(seed).encode())
    assert r.status_code in (200, 202), r.get_data(as_text=True)[:300]
