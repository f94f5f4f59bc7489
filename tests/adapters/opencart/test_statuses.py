"""Status mapping: every stock OpenCart status, the merchant's own, and overrides."""

from __future__ import annotations

import pytest

from adapters.opencart.statuses import STOCK_STATUSES, map_status
from core.domain.statuses import Status as S

EXPECTED = {
    1: S.PLACED,
    2: S.PROCESSING,
    3: S.SHIPPED,
    5: S.DELIVERED,
    7: S.CANCELLED,
    8: S.CANCELLED,
    9: None,
    10: None,
    11: S.REFUNDED,
    12: None,
    13: None,
    14: S.CANCELLED,
    15: S.PROCESSING,
    16: S.CANCELLED,
}


def test_the_table_lists_exactly_opencarts_stock_statuses():
    assert sorted(STOCK_STATUSES) == [1, 2, 3, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]


@pytest.mark.parametrize(("status_id", "expected"), sorted(EXPECTED.items()))
def test_each_stock_status_has_its_default(status_id, expected):
    assert map_status(status_id, {}) == expected


def test_a_merchant_defined_status_says_nothing_until_mapped():
    assert map_status(17, {}) is None
    assert map_status(17, {"opencart": {"status_map": {"17": "ready_for_pickup"}}}) == (
        S.READY_FOR_PICKUP
    )


def test_the_modules_choice_maps_a_custom_status_and_wismo_settings_win_over_it():
    assert map_status(17, {}, "out_for_delivery") == S.OUT_FOR_DELIVERY
    settings = {"opencart": {"status_map": {"17": "delivered"}}}
    assert map_status(17, settings, "out_for_delivery") == S.DELIVERED


def test_none_silences_a_stock_status_and_nonsense_falls_back_to_the_default():
    assert map_status(1, {"opencart": {"status_map": {"1": "none"}}}) is None
    assert map_status(3, {"opencart": {"status_map": {"3": "teleported"}}}) == S.SHIPPED
    assert map_status(3, {}, "teleported") == S.SHIPPED
