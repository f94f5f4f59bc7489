"""The demo carrier's status codes → canonical statuses (a pure table, as real carriers have)."""

from __future__ import annotations

from core.domain.statuses import Status

STATUS_CODES: dict[str, tuple[Status | None, bool]] = {  # code → (status, final)
    "accepted": (None, False),
    "transit": (Status.IN_TRANSIT, False),
    "courier": (Status.OUT_FOR_DELIVERY, False),
    "missed": (Status.ATTEMPTED_DELIVERY, False),
    "branch": (Status.READY_FOR_PICKUP, False),
    "delivered": (Status.DELIVERED, True),
}
