"""Ukrposhta's StatusTracking event codes → canonical statuses (a plain table, no I/O).

Codes as the StatusTracking API (status-tracking/0.0.1) reports them in `event`; the
words are Ukrposhta's own (`eventName`), kept on every scan. Event 41000 with
`eventReason_id` 10 is a parcel handed back to its sender, not to the shopper.
"""

from __future__ import annotations

from core.domain.statuses import Status

# event code → (canonical status or None for "no news for the shopper", canonical reason)
EVENTS: dict[int, tuple[Status | None, str | None]] = {
    10100: (Status.SHIPPED, None),  # accepted at a post office
    10600: (Status.EXCEPTION, "cancelled_by_sender"),
    10601: (None, None),  # shipment created online, not handed over yet
    10602: (Status.EXCEPTION, "cancelled"),
    10603: (Status.EXCEPTION, "deleted"),
    20700: (Status.IN_TRANSIT, None),  # at a sorting centre
    20800: (Status.IN_TRANSIT, None),  # dispatched
    20900: (Status.IN_TRANSIT, None),  # dispatched to the delivery post office
    21400: (Status.READY_FOR_PICKUP, "storage"),  # kept in storage at the post office
    21500: (Status.IN_TRANSIT, None),  # sent on to the delivery point
    21700: (Status.READY_FOR_PICKUP, None),  # arrived at the post office, awaits the recipient
    31100: (Status.ATTEMPTED_DELIVERY, "failed_attempt"),
    31200: (Status.EXCEPTION, "returning_to_sender"),
    31300: (Status.IN_TRANSIT, "address_changed"),  # forwarded to another address
    31400: (Status.IN_TRANSIT, "redirected_after_failed_attempt"),
    41000: (Status.DELIVERED, None),
    48000: (Status.DELIVERED, None),  # delivered in the destination country (outbound mail)
}

# Receptacle (bag) scans of UPU EDI messages (PREDES, RESDES, CARDIT), not the item's own
# progress: they carry no news for the shopper and must not look like a stall's end.
CONTAINER = frozenset({2100, 2200, 2201, 3006, 4001, *range(4014, 4083)})

RETURNED_REASON_ID = 10  # with event 41000: delivered back to the sender

FINAL = frozenset({Status.DELIVERED, Status.RETURNED})


def status_of(event: int | None, reason_id: int | None = None) -> tuple[Status | None, str | None]:
    """The canonical status and reason of one Ukrposhta event (unknown codes: no news)."""
    if event == 41000 and reason_id == RETURNED_REASON_ID:
        return Status.RETURNED, "returned_to_sender"
    if event is None:
        return None, None
    if event in CONTAINER:
        return None, "container_scan"
    return EVENTS.get(event, (None, None))
