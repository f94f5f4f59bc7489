"""The WooCommerce status table: defaults, the completed choice, merchants' own statuses."""

from __future__ import annotations

import pytest

from adapters.woocommerce.statuses import IGNORE, map_status, validate_mapping
from core.domain.statuses import Status


@pytest.mark.parametrize(
    ("wc", "expected"),
    [
        ("pending", IGNORE),
        ("checkout-draft", IGNORE),
        ("failed", IGNORE),
        ("on-hold", Status.PLACED),
        ("processing", Status.PROCESSING),
        ("completed", Status.SHIPPED),
        ("cancelled", Status.CANCELLED),
        ("refunded", Status.REFUNDED),
        ("partial-shipped", Status.SHIPPED),
        ("updated-tracking", Status.SHIPPED),
        ("delivered", Status.DELIVERED),
        ("wc-processing", Status.PROCESSING),
        ("pre-ordered", None),
    ],
)
def test_defaults(wc, expected):
    assert map_status(wc, {}) == expected


def test_completed_means_delivered_when_the_shop_says_so():
    assert map_status("completed", {"woocommerce": {"completed": "delivered"}}) == Status.DELIVERED
    assert map_status("completed", {"woocommerce": {"completed": "nonsense"}}) == Status.SHIPPED


def test_custom_statuses_and_overrides_come_from_the_shop_settings():
    settings = {
        "woocommerce": {"statuses": {"wc-awaiting-pickup": "ready_for_pickup", "on-hold": "ignore"}}
    }
    assert map_status("awaiting-pickup", settings) == Status.READY_FOR_PICKUP
    assert map_status("on-hold", settings) == IGNORE
    assert map_status("processing", settings) == Status.PROCESSING


def test_a_bad_custom_mapping_is_reported_per_status():
    errors = validate_mapping({"packing": "packed", "wc-odd": "teleported"})
    assert list(errors) == ["odd"] and "unknown status" in errors["odd"]
