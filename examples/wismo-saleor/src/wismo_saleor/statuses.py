"""Saleor's order statuses (GraphQL enum `OrderStatus`) → Wismo's canonical statuses.

`None` is "deliberately no message": a draft is staff's work in progress, an expired order
was never paid for, and a partial return is told when it is complete.
"""

from __future__ import annotations

from wismo.sdk import Status

STATUSES: dict[str, Status | None] = {
    "DRAFT": None,
    "UNCONFIRMED": Status.PLACED,  # placed; the shop confirms it by hand
    "UNFULFILLED": Status.PLACED,  # placed and confirmed, nothing sent yet
    "PARTIALLY_FULFILLED": Status.SHIPPED,  # the first parcel left
    "FULFILLED": Status.SHIPPED,
    "PARTIALLY_RETURNED": None,
    "RETURNED": Status.RETURNED,
    "CANCELED": Status.CANCELLED,
    "EXPIRED": None,
}
