"""Standard Webhooks signing: the published test vector, tampering, clock skew."""

from __future__ import annotations

import base64

import pytest

from core import signing
from core.errors import ConfigError, InvalidSignature

# From the Standard Webhooks reference libraries (e.g. svix's testSignFunctionWorks).
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def headers(signature: str = EXPECTED, timestamp: int = TIMESTAMP) -> dict[str, str]:
    return {
        "webhook-id": MSG_ID,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def test_sign_reproduces_the_published_vector() -> None:
    assert signing.sign(SECRET, MSG_ID, TIMESTAMP, BODY) == EXPECTED


def test_verify_accepts_the_published_vector() -> None:
    signing.verify(SECRET, headers(), BODY, now=TIMESTAMP)


def test_verify_accepts_any_of_several_signatures_and_mixed_case_headers() -> None:
    mixed = {k.title(): v for k, v in headers(f"v1,bm9wZQ== v2,xyz {EXPECTED}").items()}
    signing.verify(SECRET, mixed, BODY, now=TIMESTAMP + 10)


@pytest.mark.parametrize(
    ("body", "sig"),
    [
        (b'{"test": 2432232315}', EXPECTED),  # tampered body
        (BODY, "v1,bm9wZQ=="),  # wrong signature
        (BODY, EXPECTED.replace("v1,", "v2,")),  # unknown version
        (BODY, ""),  # missing
    ],
)
def test_verify_rejects_bad_signatures(body: bytes, sig: str) -> None:
    with pytest.raises(InvalidSignature):
        signing.verify(SECRET, headers(sig), body, now=TIMESTAMP)


def test_verify_rejects_a_different_secret() -> None:
    with pytest.raises(InvalidSignature):
        signing.verify(signing.new_secret(), headers(), BODY, now=TIMESTAMP)


@pytest.mark.parametrize("skew", [301, -301, 3600])
def test_verify_rejects_timestamps_outside_the_tolerance(skew: int) -> None:
    with pytest.raises(InvalidSignature, match="tolerance"):
        signing.verify(SECRET, headers(), BODY, now=TIMESTAMP + skew)


def test_verify_rejects_missing_headers_and_garbage_timestamps() -> None:
    with pytest.raises(InvalidSignature):
        signing.verify(SECRET, {}, BODY, now=TIMESTAMP)
    bad = headers()
    bad["webhook-timestamp"] = "yesterday"
    with pytest.raises(InvalidSignature):
        signing.verify(SECRET, bad, BODY, now=TIMESTAMP)


def test_new_secret_round_trips() -> None:
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 24
    assert signing.new_secret() != secret
    signed = signing.sign_headers(secret, "msg_1", 1_700_000_000, b"{}")
    signing.verify(secret, signed, b"{}", now=1_700_000_000)


def test_raw_string_and_bytes_keys_are_used_as_they_are() -> None:
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    assert signing.sign(key, MSG_ID, TIMESTAMP, BODY) == EXPECTED
    raw = signing.sign("plain shared secret", MSG_ID, TIMESTAMP, BODY)
    assert raw == signing.sign(b"plain shared secret", MSG_ID, TIMESTAMP, BODY)
    assert raw != EXPECTED


def test_a_malformed_whsec_secret_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        signing.sign("whsec_not base64!", MSG_ID, TIMESTAMP, BODY)
