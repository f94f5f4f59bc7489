"""The storefront token: the shared vector the PHP plug-ins also check, and its failure modes."""

import json
from pathlib import Path

import pytest

from core.errors import InvalidSignature
from core.signing import verify
from core.storefront import (
    read_storefront_token,
    sign_storefront_token,
    verify_storefront_token,
)

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "shared_signing.json").read_text())
SECRET = VECTORS["secret"]
TOKEN = VECTORS["storefront_token"]


def test_the_shared_vector_signs_and_verifies():
    assert sign_storefront_token(SECRET, "shop_k3y", "1001", TOKEN["expires"]) == TOKEN["token"]
    claim = verify_storefront_token(TOKEN["token"], ["whsec_b2xk", SECRET], now=1_800_000_000)
    assert (claim.shop_key, claim.order_id, claim.expires) == ("shop_k3y", "1001", 1893456000)


def test_the_shared_standard_webhooks_vector_verifies():
    v = VECTORS["standard_webhooks"]
    headers = {
        "webhook-id": v["msg_id"],
        "webhook-timestamp": str(v["timestamp"]),
        "webhook-signature": v["signature"],
    }
    verify(SECRET, headers, v["body"].encode(), now=v["timestamp"] + 10)


@pytest.mark.parametrize(
    "token",
    [
        TOKEN["token"][:-2] + "AA",  # signature changed
        TOKEN["token"].replace("eyJzIjoic2hvcF9rM3ki", "eyJzIjoic2hvcF9rM3oi"),  # payload changed
        "not-a-token",
        "x" * 700,
        "",
    ],
)
def test_tampered_or_malformed_tokens_are_refused(token):
    with pytest.raises(InvalidSignature):
        verify_storefront_token(token, [SECRET], now=1_800_000_000)


def test_another_shops_secret_or_an_expired_token_is_refused():
    with pytest.raises(InvalidSignature, match="does not match"):
        verify_storefront_token(TOKEN["token"], ["whsec_b3RoZXItc2hvcC1zZWNyZXQ="])
    with pytest.raises(InvalidSignature, match="expired"):
        verify_storefront_token(TOKEN["token"], [SECRET], now=TOKEN["expires"] + 1)


def test_read_gives_the_claim_before_verification():
    assert read_storefront_token(TOKEN["token"]).shop_key == "shop_k3y"
