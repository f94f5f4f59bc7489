"""Staff passwords: long is not enough; common and repetitive ones are refused (issue 16)."""

from __future__ import annotations

import pytest

from core.services.staff import hash_password


@pytest.mark.parametrize("weak", ["aaaaaaaaaa", "1234567890", "password123", "qwertyuiop"])
def test_a_common_or_repetitive_password_is_refused_with_why(weak):
    with pytest.raises(ValueError, match="harder password"):
        hash_password(weak)


def test_a_short_password_is_still_refused_for_its_length():
    with pytest.raises(ValueError, match="at least 10"):
        hash_password("Xk9#q")


@pytest.mark.parametrize("good", ["correct horse battery", "Kettle-Store-2026!"])
def test_a_strong_password_is_hashed(good):
    assert hash_password(good).startswith("$argon2id$")
