"""Saleor as the tests see it: an RSA key, its JWKS, and webhooks signed the way Saleor signs.

Saleor signs with `jwt.api_jws.encode(body, key, "RS256", headers={"kid": ..., "crit":
["b64"]}, is_payload_detached=True)` (saleor/core/jwt_manager.py); so do these helpers.
"""

from __future__ import annotations

import json
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from wismo.sdk import InboundRequest

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = "wismo-test-key"


def jwks(key: rsa.RSAPrivateKey = KEY, kid: str = KID) -> dict[str, Any]:
    """The JWKS a store publishes at /.well-known/jwks.json."""
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": kid, "use": "sig", "alg": "RS256"}]}


def order(status: str = "FULFILLED", **changes: Any) -> dict[str, Any]:
    """An order as the app's subscription query asks for it."""
    return {
        "id": "T3JkZXI6MWM0ZGZlNGYtYjJiNi00ZDYx",
        "number": "42",
        "status": status,
        "created": "2026-11-22T09:00:00.000000+00:00",
        "updatedAt": "2026-11-22T10:00:00.000000+00:00",
        "userEmail": "olena@example.com",
        "languageCodeEnum": "UK_UA",
        "total": {"gross": {"amount": 1250.0, "currency": "UAH"}},
        "billingAddress": {"firstName": "Olena", "lastName": "Petrenko", "phone": "+380501234567"},
        "shippingAddress": {"firstName": "Olena", "lastName": "Petrenko", "phone": ""},
        "lines": [{"productName": "Kettle", "variantName": "Red", "quantity": 1}],
        "fulfillments": [
            {
                "id": "RnVsZmlsbG1lbnQ6MQ==",
                "status": "FULFILLED",
                "trackingNumber": "20450000000000",
                "created": "2026-11-22T10:00:00.000000+00:00",
            }
        ],
        **changes,
    }


def payload(status: str = "FULFILLED", typename: str = "OrderFulfilled") -> bytes:
    """The body of one webhook of the app's subscription."""
    event = {"__typename": typename, "issuedAt": "2026-11-22T10:00:01.123456+00:00"}
    return json.dumps({**event, "order": order(status)}).encode()


def signed(
    body: bytes, api_url: str, key: rsa.RSAPrivateKey = KEY, kid: str = KID
) -> InboundRequest:
    """The request Saleor sends with `body` from the store at `api_url`."""
    signature = jwt.api_jws.encode(
        body, key, algorithm="RS256", headers={"kid": kid, "crit": ["b64"]},
        is_payload_detached=True,
    )  # fmt: skip
    headers = {
        "Content-Type": "application/json",
        "Saleor-Event": "order_fulfilled",
        "Saleor-Domain": "store.example",
        "Saleor-Signature": signature,
        "Saleor-Api-Url": api_url,
    }
    return InboundRequest(body=body, headers=headers)
