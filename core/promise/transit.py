"""Transit days per carrier and destination zone, and the days each carrier delivers on."""

from __future__ import annotations

from collections.abc import Mapping

Range = tuple[int, int]  # (fewest, most) open days from handover to delivery

DOMESTIC, INTERNATIONAL = "domestic", "international"
ZONES = (DOMESTIC, INTERNATIONAL)

# Starting figures before a shop has its own (editable per shop; learned ones replace them).
# Nova Poshta: "1-2 days between cities" (novaposhta.ua, Delivery times); Ukrposhta Standard
# 2-5 days, Express 1-3; Meest 1-3 days within Ukraine; other carriers' national services
# take 1-5 working days, international ones a week or two.
DEFAULT_TRANSIT: Mapping[str, Mapping[str, Range]] = {
    "novaposhta": {DOMESTIC: (1, 2), INTERNATIONAL: (5, 10)},
    "ukrposhta": {DOMESTIC: (2, 5), INTERNATIONAL: (7, 21)},
    "meest": {DOMESTIC: (1, 3), INTERNATIONAL: (5, 12)},
    "demo": {DOMESTIC: (1, 3), INTERNATIONAL: (4, 8)},
    "*": {DOMESTIC: (2, 4), INTERNATIONAL: (5, 12)},
}

# The weekdays (Monday 0) each carrier delivers on; Nova Poshta's branches open on Saturdays
# and most on Sundays, other carriers deliver on working days.
_CARRIER_DAYS: Mapping[str, frozenset[int]] = {
    "novaposhta": frozenset(range(7)),
    "meest": frozenset(range(6)),
    "ukrposhta": frozenset(range(6)),
}
_WORKING_WEEK = frozenset(range(5))


def carrier_days(carrier: str | None) -> frozenset[int]:
    """The weekdays a carrier delivers on (Monday to Friday when it is not known)."""
    return _CARRIER_DAYS.get(carrier or "", _WORKING_WEEK)


def zone_of(destination: str | None, home: str | None) -> str:
    """ "domestic" when the parcel stays in the shop's country (or either is unknown)."""
    if not destination or not home or destination.upper() == home.upper():
        return DOMESTIC
    return INTERNATIONAL
