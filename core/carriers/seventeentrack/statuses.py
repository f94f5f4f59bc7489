"""17TRACK's main and sub statuses → canonical statuses (a plain table, no I/O).

17TRACK classifies every parcel of every carrier it follows into main statuses
(`latest_status.status`) refined by sub statuses (`sub_status`, also on each event);
the sub status decides, the main status is the fallback for one not listed here.
"""

from __future__ import annotations

from core.domain.statuses import Status

Mapped = tuple[Status | None, str | None]  # canonical status (None: no news), reason

MAIN: dict[str, Mapped] = {
    "NotFound": (None, None),
    "InfoReceived": (None, None),  # the carrier has the label data, not the parcel
    "InTransit": (Status.IN_TRANSIT, None),
    "Expired": (Status.DELAYED, "no_updates"),
    "AvailableForPickup": (Status.READY_FOR_PICKUP, None),
    "OutForDelivery": (Status.OUT_FOR_DELIVERY, None),
    "DeliveryFailure": (Status.ATTEMPTED_DELIVERY, "failed_attempt"),
    "Delivered": (Status.DELIVERED, None),
    "Exception": (Status.EXCEPTION, None),
}

SUB: dict[str, Mapped] = {
    "NotFound_Other": (None, None),
    "NotFound_InvalidCode": (None, "invalid_number"),
    "InfoReceived": (None, None),
    "InTransit_PickedUp": (Status.IN_TRANSIT, "picked_up"),
    "InTransit_Other": (Status.IN_TRANSIT, None),
    "InTransit_Departure": (Status.IN_TRANSIT, "departed"),
    "InTransit_Arrival": (Status.IN_TRANSIT, "arrived"),
    "InTransit_CustomsProcessing": (Status.IN_TRANSIT, "customs"),
    "InTransit_CustomsReleased": (Status.IN_TRANSIT, "customs_released"),
    "InTransit_CustomsRequiringInformation": (Status.EXCEPTION, "customs_information"),
    "Expired_Other": (Status.DELAYED, "no_updates"),
    "AvailableForPickup_Other": (Status.READY_FOR_PICKUP, None),
    "OutForDelivery_Other": (Status.OUT_FOR_DELIVERY, None),
    "DeliveryFailure_Other": (Status.ATTEMPTED_DELIVERY, "failed_attempt"),
    "DeliveryFailure_NoBody": (Status.ATTEMPTED_DELIVERY, "recipient_absent"),
    "DeliveryFailure_Security": (Status.ATTEMPTED_DELIVERY, "security"),
    "DeliveryFailure_Rejected": (Status.ATTEMPTED_DELIVERY, "refused"),
    "DeliveryFailure_InvalidAddress": (Status.ATTEMPTED_DELIVERY, "address_problem"),
    "Delivered_Other": (Status.DELIVERED, None),
    "Exception_Other": (Status.EXCEPTION, None),
    "Exception_Returning": (Status.EXCEPTION, "returning_to_sender"),
    "Exception_Returned": (Status.RETURNED, "returned_to_sender"),
    "Exception_NoBody": (Status.EXCEPTION, "recipient_absent"),
    "Exception_Security": (Status.EXCEPTION, "security"),
    "Exception_Damage": (Status.EXCEPTION, "damaged"),
    "Exception_Rejected": (Status.EXCEPTION, "refused"),
    "Exception_Delayed": (Status.DELAYED, None),
    "Exception_Lost": (Status.EXCEPTION, "lost"),
    "Exception_Destroyed": (Status.EXCEPTION, "destroyed"),
    "Exception_Cancel": (Status.EXCEPTION, "cancelled"),
}

FINAL = frozenset({Status.DELIVERED, Status.RETURNED})


def status_of(main: str | None, sub: str | None = None) -> Mapped:
    """The canonical status and reason of a 17TRACK main/sub status pair."""
    if sub and sub in SUB:
        return SUB[sub]
    if main and main in MAIN:
        return MAIN[main]
    if sub and "_" in sub:  # a sub status newer than this table: its main part still says
        return MAIN.get(sub.split("_", 1)[0], (None, None))
    return None, None
