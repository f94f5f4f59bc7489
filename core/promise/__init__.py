"""The delivery promise: when an order will arrive, as a range of dates (issue 15 part A).

Pure: the standard library, `holidays` and nothing else; no clock (`now` is passed in), no
storage, no network. The public surface, kept small and stable (the care job uses it too):

- `PromiseSettings`, `OrderFacts`: what a shop configured and what is known of one order.
- `estimate(facts, settings, now) -> Promise`: the range from the shop's cut-off, processing
  days, working days and holidays, then the carrier's transit for the destination zone
  (learned figures first, then the merchant's, then the carrier's defaults).
- `re_estimate_after_delay(previous, facts, settings, now) -> Promise`: a new range once the
  old one has passed undelivered: from the next open day, as wide as the transit's spread.
- `from_carrier(day, now, cause)`: a carrier's or platform's own date, which replaces ours.
- `Promise`: `earliest`, `latest`, `cause` (one of `CAUSES`), `ships_on`, `holds_until`.
- `learned_range(samples)`: the 20th–80th percentile of a shop's transit days, once there
  are `MIN_SAMPLES`; `open_days_between` counts them in the carrier's own days.
- `zone_of(destination, home)`: "domestic" or "international"; `DEFAULT_TRANSIT` per carrier.
"""

from .calendar import WorkCalendar, open_days_between
from .engine import (
    CAUSES,
    OrderFacts,
    Promise,
    PromiseSettings,
    estimate,
    from_carrier,
    re_estimate_after_delay,
    transit_for,
)
from .learning import MIN_SAMPLES, learned_range
from .transit import DEFAULT_TRANSIT, Range, carrier_days, zone_of

__all__ = [
    "CAUSES",
    "DEFAULT_TRANSIT",
    "MIN_SAMPLES",
    "OrderFacts",
    "Promise",
    "PromiseSettings",
    "Range",
    "WorkCalendar",
    "carrier_days",
    "estimate",
    "from_carrier",
    "learned_range",
    "open_days_between",
    "re_estimate_after_delay",
    "transit_for",
    "zone_of",
]
