"""examples/wismo-saleor, pip-installed into .venv by scripts/test as an agency installs it:
found through its entry point alone, green on its own tests and the contract kit, and a
Saleor store goes from installing the app to a verified, ingested order webhook."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from core.registry import platforms
from core.storage.models import Order, OrderEvent, Shop
from tests.conftest import add_shop
from webapp import create_app
from wismo.testing.http_stub import HttpStub

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wismo-saleor"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    try:
        where = distribution("wismo-saleor").read_text("direct_url.json") or ""
    except PackageNotFoundError:
        pytest.fail("wismo-saleor is not installed: run the suite with scripts/test (make test)")
    assert EXAMPLE.as_uri() in where, f"wismo-saleor is installed from elsewhere: {where}"


def test_the_example_is_found_through_its_entry_point_alone() -> None:
    assert "saleor" in platforms()
    grep = subprocess.run(
        ["git", "grep", "-l", "-i", "saleor", "--", "core", "webapp", "adapters", "wismo"],
        cwd=EXAMPLE.parents[1],
        capture_output=True,
        text=True,
    )
    assert grep.stdout == "", f"Wismo's own code names Saleor: {grep.stdout}"


@pytest.mark.slow
@pytest.mark.timeout(600)  # a pip install and a pytest run, on a busy machine
def test_the_example_passes_its_tests_and_the_contract_kit() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--wismo-contract", "-p", "no:cacheprovider", "-q", "-rA"],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    contract = re.findall(r"PASSED \S*::test_\w+\[saleor\]", run.stdout)
    assert len(contract) >= 8, run.stdout[-4000:]
    assert re.search(r"PASSED tests/test_webhooks.py::", run.stdout)


def sign(body: bytes, api_url: str) -> dict[str, str]:
    """The headers Saleor sends with `body` (saleor/webhook/transport/utils.py)."""
    signature = jwt.api_jws.encode(
        body, KEY, algorithm="RS256", headers={"kid": "k1", "crit": ["b64"]},
        is_payload_detached=True,
    )  # fmt: skip
    return {
        "Content-Type": "application/json",
        "Saleor-Event": "order_fulfilled",
        "Saleor-Signature": signature,
        "Saleor-Api-Url": api_url,
    }


def test_a_store_installs_the_app_and_its_order_webhook_is_ingested(
    container: Any, http_stub: HttpStub
) -> None:
    api_url = http_stub.url_for("/graphql/")
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True)
    http_stub.route("GET", "/.well-known/jwks.json", json={"keys": [{**jwk, "kid": "k1"}]})

    new = add_shop(container, platform="saleor", name="Saleor store")
    with container.session() as s:
        shop = s.get(Shop, new.shop.id)
        assert shop is not None
        shop.secrets = container.box.seal({**container.box.open(shop.secrets), "api_url": api_url})
        s.commit()
        key = shop.key
    client = create_app(container=container).test_client()

    manifest = client.get(f"/saleor/{key}/manifest").get_json()
    assert manifest["tokenTargetUrl"] == f"http://localhost/saleor/{key}/register"
    assert manifest["webhooks"][0]["targetUrl"] == f"http://localhost/webhooks/saleor/{key}"

    stranger = client.post(
        f"/saleor/{key}/register",
        json={"auth_token": "saleor-app-token"},
        headers={"Saleor-Api-Url": "https://elsewhere.example/graphql/"},
    )
    assert stranger.status_code == 403
    registered = client.post(
        f"/saleor/{key}/register",
        json={"auth_token": "saleor-app-token"},
        headers={"Saleor-Api-Url": api_url},
    )
    assert registered.status_code == 200, registered.get_data(as_text=True)
    with container.session() as s:
        stored = container.box.open(s.get(Shop, new.shop.id).secrets)
    assert stored["app_token"] == "saleor-app-token"
    assert len(http_stub.requests_to("GET", "/.well-known/jwks.json")) == 1  # asked at register

    body = json.dumps(
        {
            "__typename": "OrderFulfilled",
            "issuedAt": "2026-11-22T10:00:01+00:00",
            "order": {
                "id": "T3JkZXI6MQ==",
                "number": "42",
                "status": "FULFILLED",
                "updatedAt": "2026-11-22T10:00:00+00:00",
                "userEmail": "olena@example.com",
                "languageCodeEnum": "UK_UA",
                "total": {"gross": {"amount": 1250.0, "currency": "UAH"}},
                "billingAddress": {"firstName": "Olena", "lastName": "Petrenko"},
                "lines": [{"productName": "Kettle", "quantity": 1}],
                "fulfillments": [
                    {"id": "F1", "trackingNumber": "20450000000000", "created": "2026-11-22"}
                ],
            },
        }
    ).encode()
    url = f"/webhooks/saleor/{key}"
    forged = sign(body, api_url)
    forged["Saleor-Signature"] = forged["Saleor-Signature"][:-4] + "AAAA"
    assert client.post(url, data=body, headers=forged).status_code == 401
    first = client.post(url, data=body, headers=sign(body, api_url))
    assert first.status_code in (200, 202), first.get_data(as_text=True)
    assert first.get_json()["accepted"] == 1
    again = client.post(url, data=body, headers=sign(body, api_url))
    assert again.get_json()["duplicates"] == 1
    with container.session() as s:
        order = s.scalar(select(Order).where(Order.shop_id == new.shop.id))
        assert order is not None and order.number == "42" and order.status == "shipped"
        events = s.scalars(select(OrderEvent).where(OrderEvent.shop_id == new.shop.id)).all()
        assert [e.source for e in events] == ["saleor"]
