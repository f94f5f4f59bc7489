"""The contract kit's own checks fail where they should (a kit that cannot fail proves nothing)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from core.errors import ConfigError, InvalidSignature
from core.plugins import ConfigField, PluginMetadata
from wismo.testing.contract import (
    check_metadata,
    compare_digest_calls,
    config_error_naming,
)

SECRET = b"k"


def _expected(body: bytes) -> str:
    return hmac.new(SECRET, body, hashlib.sha256).hexdigest()


def verify_with_equals(body: bytes, given: str) -> None:
    if _expected(body) != given:
        raise InvalidSignature("no")


def verify_with_compare_digest(body: bytes, given: str) -> None:
    if not hmac.compare_digest(_expected(body), given):
        raise InvalidSignature("no")


def test_a_signature_compared_with_equals_is_caught() -> None:
    assert compare_digest_calls(lambda: verify_with_equals(b"x", "forged")) == 0


def test_a_signature_compared_with_compare_digest_is_seen() -> None:
    assert compare_digest_calls(lambda: verify_with_compare_digest(b"x", "forged")) == 1


class Card:
    name = "card"


def test_metadata_with_a_wrong_slug_or_kind_or_repeated_field_fails() -> None:
    Card.metadata = PluginMetadata(slug="card", label="Card", kind="adapter")  # type: ignore[attr-defined]
    check_metadata(Card, "card", "adapter")
    for bad, slug, kind in (
        (PluginMetadata(slug="other", label="Card", kind="adapter"), "card", "adapter"),
        (PluginMetadata(slug="card", label="Card", kind="channel"), "card", "adapter"),
        (PluginMetadata(slug="card", label=" ", kind="adapter"), "card", "adapter"),
        (
            PluginMetadata(
                slug="card",
                label="Card",
                kind="adapter",
                fields=(ConfigField("token", "Token"), ConfigField("token", "Again")),
            ),
            "card",
            "adapter",
        ),
        (
            PluginMetadata(
                slug="card",
                label="Card",
                kind="adapter",
                fields=(ConfigField("x", "X", kind="select"),),
            ),
            "card",
            "adapter",
        ),
    ):
        Card.metadata = bad  # type: ignore[attr-defined]
        with pytest.raises(AssertionError):
            check_metadata(Card, slug, kind)


def test_a_config_error_that_does_not_name_the_field_fails() -> None:
    def vague() -> None:
        raise ConfigError("something is missing")

    with config_error_naming("token"):
        raise ConfigError("token: required")
    with pytest.raises(AssertionError), config_error_naming("token"):
        vague()
    with pytest.raises(pytest.fail.Exception), config_error_naming("token"):
        pass
