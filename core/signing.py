"""Standard Webhooks signatures (https://www.standardwebhooks.com), standard library only.

The signed content is ``f"{msg_id}.{timestamp}."`` followed by the raw body; the
signature is ``"v1," + base64(HMAC-SHA256(key, content))``. A secret is
``"whsec_" + base64(key)``; a string without the prefix (or bytes) is used as the
raw key, so receivers with a plain shared string still work.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

from core.errors import ConfigError, InvalidSignature

SECRET_PREFIX = "whsec_"
HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"


def new_secret() -> str:
    """Return a fresh secret: "whsec_" plus the base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def secret_key(secret: str | bytes) -> bytes:
    """Return the HMAC key bytes of a "whsec_..." secret, a raw string or raw bytes."""
    if isinstance(secret, bytes):
        return secret
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            raise ConfigError("a whsec_ secret must be base64 after the prefix") from None
    return secret.encode("utf-8")


def sign(secret: str | bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """Return the "v1,<base64>" signature of one message."""
    content = f"{msg_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def sign_headers(secret: str | bytes, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Return the three webhook-* headers for one message."""
    return {
        HEADER_ID: msg_id,
        HEADER_TIMESTAMP: str(int(timestamp)),
        HEADER_SIGNATURE: sign(secret, msg_id, timestamp, body),
    }


def verify(
    secret: str | bytes,
    headers: Mapping[str, str],
    body: bytes,
    now: int | None = None,
    tolerance: int = 300,
) -> None:
    """Raise InvalidSignature unless the webhook-* headers sign `body` with `secret`."""
    lowered = {k.lower(): v for k, v in headers.items()}
    msg_id = lowered.get(HEADER_ID)
    raw_timestamp = lowered.get(HEADER_TIMESTAMP)
    signatures = lowered.get(HEADER_SIGNATURE)
    if not msg_id or not raw_timestamp or not signatures:
        raise InvalidSignature("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(raw_timestamp)
    except ValueError:
        raise InvalidSignature("webhook-timestamp is not an integer") from None
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature("webhook-timestamp is outside the tolerance")
    expected = sign(secret, msg_id, timestamp, body).split(",", 1)[1].encode("ascii")
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode("ascii", "replace"), expected):
            return
    raise InvalidSignature("no matching v1 signature")
