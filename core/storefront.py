"""Storefront tokens: how a platform plug-in vouches for a shopper's order to the widget.

The WordPress plugin, the OpenCart module and the Shopify app proxy all know the
shop's secret (the `whsec_...` webhook secret); the shopper's browser does not. The
plug-in signs, server-side, a short token naming the shop, one order and an expiry,
and the widget passes it to `/api/v1/widget/...`. The format is small enough to write
in a few lines of PHP (see the shared vector in tests/vectors/shared_signing.json):

    payload = base64url(JSON {"s": shop_key, "o": order_external_id, "e": expires_unix
                              [, "p": placed_unix]})
    token   = payload + "." + base64url(HMAC-SHA256(key, "wismo-widget.v1." + payload))

`key` is the secret's key bytes (`core.signing.secret_key`: base64-decoded after
"whsec_"), base64url is unpadded. `p`, optional, is when the order was placed: a widget for
an order Wismo has never heard of can then say so at once for an old order (placed before
Wismo was connected) instead of waiting for a webhook that will never come. No personal
data travels in the token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from core.errors import InvalidSignature
from core.signing import secret_key

CONTEXT = b"wismo-widget.v1."
DEFAULT_TTL = 7 * 24 * 3600
MAX_LENGTH = 600


@dataclass(frozen=True)
class StorefrontClaim:
    """What a valid token says: this shop vouches for this order until `expires`."""

    shop_key: str
    order_id: str
    expires: int
    placed: int | None = None  # when the order was placed (unix), if the plug-in said


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_storefront_token(
    secret: str | bytes,
    shop_key: str,
    order_id: str,
    expires: int | None = None,
    placed: int | None = None,
) -> str:
    """A token for one order of one shop (valid for a week unless `expires` is given)."""
    expires = int(time.time()) + DEFAULT_TTL if expires is None else int(expires)
    claim: dict[str, object] = {"s": shop_key, "o": str(order_id), "e": expires}
    if placed:
        claim["p"] = int(placed)
    body = json.dumps(claim, separators=(",", ":"))
    payload = _b64(body.encode("utf-8"))
    mac = hmac.new(secret_key(secret), CONTEXT + payload.encode("ascii"), hashlib.sha256)
    return f"{payload}.{_b64(mac.digest())}"


def read_storefront_token(token: str) -> StorefrontClaim:
    """The claim in a token, NOT yet verified: use it to find the shop whose secret checks it."""
    try:
        if len(token) > MAX_LENGTH:
            raise ValueError("too long")
        payload, _, _mac = token.partition(".")
        data = json.loads(_unb64(payload))
        placed = int(data["p"]) if data.get("p") else None
        return StorefrontClaim(str(data["s"]), str(data["o"]), int(data["e"]), placed)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidSignature("malformed storefront token") from None


def verify_storefront_token(
    token: str, secrets: list[str | bytes], now: float | None = None
) -> StorefrontClaim:
    """The claim, if one of the shop's secrets (current, previous) signed it and it is current."""
    claim = read_storefront_token(token)
    payload, _, mac_text = token.partition(".")
    try:
        given = _unb64(mac_text)
    except (ValueError, binascii.Error):
        raise InvalidSignature("malformed storefront token") from None
    for secret in secrets:
        expected = hmac.new(secret_key(secret), CONTEXT + payload.encode("ascii"), hashlib.sha256)
        if hmac.compare_digest(expected.digest(), given):
            break
    else:
        raise InvalidSignature("storefront token signature does not match")
    if claim.expires < (time.time() if now is None else now):
        raise InvalidSignature("storefront token has expired")
    return claim
