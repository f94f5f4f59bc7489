"""The canonical statuses every platform's events are translated into."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A milestone in an order's life, as the shopper sees it."""

    PLACED = "placed"
    PROCESSING = "processing"
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    READY_FOR_PICKUP = "ready_for_pickup"
    ATTEMPTED_DELIVERY = "attempted_delivery"
    DELIVERED = "delivered"
    DELAYED = "delayed"
    EXCEPTION = "exception"
    CANCELLED = "cancelled"
    RETURN_REQUESTED = "return_requested"
    RETURNED = "returned"
    REFUNDED = "refunded"


# How far along the journey a status is. Statuses of equal rank are alternatives at
# the same stage (the last mile), between which a newer event may move either way.
RANK: dict[Status, int] = {
    Status.PLACED: 0,
    Status.PROCESSING: 1,
    Status.PICKING: 2,
    Status.PACKED: 3,
    Status.SHIPPED: 4,
    Status.IN_TRANSIT: 5,
    Status.OUT_FOR_DELIVERY: 6,
    Status.READY_FOR_PICKUP: 6,
    Status.ATTEMPTED_DELIVERY: 6,
    Status.DELIVERED: 7,
    Status.RETURN_REQUESTED: 8,
    Status.RETURNED: 9,
    Status.REFUNDED: 10,
    # cancelled sits apart: reachable only before shipping, followed only by a refund
    Status.CANCELLED: 4,
}

OVERLAYS = frozenset({Status.DELAYED, Status.EXCEPTION})
"""Statuses laid over the current one until the next real progress clears them."""

SHIPMENT_STATUSES = frozenset(
    {
        Status.SHIPPED,
        Status.IN_TRANSIT,
        Status.OUT_FOR_DELIVERY,
        Status.READY_FOR_PICKUP,
        Status.ATTEMPTED_DELIVERY,
        Status.DELIVERED,
    }
)
"""Statuses that belong to one parcel when the event names a shipment."""

RETURN_PATH = (Status.RETURN_REQUESTED, Status.RETURNED, Status.REFUNDED)

TERMINAL = frozenset({Status.REFUNDED})

UNDATED = frozenset(
    {
        Status.DELIVERED,
        Status.CANCELLED,
        Status.RETURN_REQUESTED,
        Status.RETURNED,
        Status.REFUNDED,
    }
)
"""Statuses whose messages carry no delivery date: nothing is on its way any more."""

JOURNEY = (
    Status.PLACED,
    Status.PROCESSING,
    Status.PICKING,
    Status.PACKED,
    Status.SHIPPED,
    Status.IN_TRANSIT,
    Status.OUT_FOR_DELIVERY,
    Status.DELIVERED,
)
"""The usual path, in order: what a tracking page draws as its progress steps."""


def parse_status(value: str) -> Status:
    """The Status named by `value`, or ValueError naming the valid ones."""
    try:
        return Status(value.strip().lower())
    except ValueError:
        valid = ", ".join(s.value for s in Status)
        raise ValueError(f"unknown status {value!r}; expected one of: {valid}") from None
