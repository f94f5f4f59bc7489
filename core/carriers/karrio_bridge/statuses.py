"""karrio's unified tracking statuses → canonical statuses (a plain table, no I/O).

Every karrio carrier extension maps its carrier's codes onto karrio's `TrackingStatus`
names (its own status table, apart from its HTTP code); this maps those few names onto
Wismo's, so each karrio carrier needs no table of its own here.
"""

from __future__ import annotations

from core.domain.statuses import Status

Mapped = tuple[Status | None, str | None]

TRACKING_STATUS: dict[str, Mapped] = {
    "pending": (None, None),  # label data only, nothing moving yet
    "picked_up": (Status.IN_TRANSIT, "picked_up"),
    "in_transit": (Status.IN_TRANSIT, None),
    "on_hold": (Status.DELAYED, "on_hold"),
    "delivery_delayed": (Status.DELAYED, None),
    "out_for_delivery": (Status.OUT_FOR_DELIVERY, None),
    "ready_for_pickup": (Status.READY_FOR_PICKUP, None),
    "delivery_failed": (Status.ATTEMPTED_DELIVERY, "failed_attempt"),
    "delivered": (Status.DELIVERED, None),
    "return_to_sender": (Status.EXCEPTION, "returning_to_sender"),
    "cancelled": (Status.EXCEPTION, "cancelled"),
    "unknown": (None, None),
}

FINAL = frozenset({Status.DELIVERED, Status.RETURNED})


def status_of(name: str | None, reason: str | None = None) -> Mapped:
    """The canonical status of a karrio status name; karrio's incident reason is kept."""
    status, own_reason = TRACKING_STATUS.get(name or "", (None, None))
    return status, reason or own_reason
