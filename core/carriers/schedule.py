"""When to ask a carrier about a parcel again: pure arithmetic over its state and the clock.

Often where news is close (out for delivery, waiting at a branch), rarely in long transit,
never after its end (delivered or returned, plus a day). Failures back off exponentially.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.domain.statuses import Status

_H = timedelta(hours=1)

DEFAULT_INTERVALS: dict[str | None, timedelta] = {
    None: 2 * _H,  # label made, nothing scanned yet
    Status.SHIPPED.value: 2 * _H,
    Status.IN_TRANSIT.value: 6 * _H,  # long transit: the news is days away
    Status.OUT_FOR_DELIVERY.value: timedelta(minutes=30),
    Status.READY_FOR_PICKUP.value: _H,  # the pick-up (delivered) can come any hour
    Status.ATTEMPTED_DELIVERY.value: _H,
    Status.DELAYED.value: 3 * _H,
    Status.EXCEPTION.value: 3 * _H,
    Status.DELIVERED.value: 6 * _H,  # final: one day more, for a late correction
}


@dataclass(frozen=True)
class PollPolicy:
    """How often each kind of parcel is asked about, and how failures back off."""

    intervals: Mapping[str | None, timedelta] = field(default_factory=lambda: DEFAULT_INTERVALS)
    in_transit_near: timedelta = 2 * _H  # in transit with the carrier's estimate today or past
    not_found: timedelta = _H  # a number the carrier does not know (yet)
    unrecognised: timedelta = 6 * _H  # a number no installed carrier recognises
    unconnected: timedelta = 6 * _H  # the shop has not connected the carrier
    flag_after: timedelta = timedelta(hours=48)  # then the merchant is told
    give_up_after: timedelta = timedelta(days=14)  # an unknown number stops being asked about
    after_final: timedelta = timedelta(days=1)  # followed this long after delivered/returned
    backoff_base: timedelta = timedelta(minutes=1)
    backoff_max: timedelta = 2 * _H
    auth_retry: timedelta = _H  # credentials refused: the merchant must fix them
    push_stretch: float = 4.0  # a carrier that pushes is polled this many times less often


def next_check(
    policy: PollPolicy, status: str | None, now: datetime, estimate_due: bool = False
) -> datetime:
    """When a parcel in `status` is next asked about."""
    if status == Status.IN_TRANSIT.value and estimate_due:
        return now + policy.in_transit_near
    return now + policy.intervals.get(status, policy.intervals.get(None, 2 * _H))


def backoff(
    policy: PollPolicy, failures: int, now: datetime, retry_after: float | None = None
) -> datetime:
    """When to ask again after `failures` failures in a row (the carrier's Retry-After wins)."""
    wait = policy.backoff_base * (2 ** max(0, min(failures, 20) - 1))
    wait = min(wait, policy.backoff_max)
    if retry_after is not None and retry_after > 0:
        wait = max(wait, timedelta(seconds=min(retry_after, policy.backoff_max.total_seconds())))
    return now + wait
