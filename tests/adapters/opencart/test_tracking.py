"""Tracking numbers in history comments: the examples the PHP suite runs too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.opencart.tracking import tracking_from_comment

EXAMPLES = json.loads(
    (
        Path(__file__).parents[3] / "adapters/opencart/module/tests/tracking_examples.json"
    ).read_text()
)


@pytest.mark.parametrize(("comment", "expected"), EXAMPLES)
def test_finds_the_number_after_a_keyword(comment, expected):
    assert tracking_from_comment(comment) == expected
