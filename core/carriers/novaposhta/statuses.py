"""Nova Poshta's tracking status codes (`StatusCode` of `getStatusDocuments`) → canonical.

A pure table, as karrio keeps its status enums: every code Nova Poshta documents for
`TrackingDocument.getStatusDocuments`, what a shopper is told for it, and whether the
parcel's journey ends there. `None` as the status means "no news for the shopper" (a
waybill made but not handed over yet, the date the recipient moved themselves).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.statuses import Status


@dataclass(frozen=True)
class NpStatus:
    """What one Nova Poshta status code means to Wismo."""

    status: Status | None
    reason: str | None = None  # canonical reason, for the history and the merchant
    final: bool = False  # the journey ends here: follow a day more, then stop
    found: bool = True  # False: Nova Poshta does not know the number
    locker: bool = False  # the parcel waits in a parcel locker (Поштомат)


NOT_FOUND = "3"

STATUS_CODES: dict[str, NpStatus] = {
    # the sender made the waybill but has not handed the parcel over yet
    "1": NpStatus(None, "label_created"),
    # the waybill was deleted (the shop will usually make a new one)
    "2": NpStatus(None, "deleted", final=True),
    "3": NpStatus(None, found=False),  # number not found
    "4": NpStatus(Status.IN_TRANSIT),  # in the sender's city (between regions)
    "41": NpStatus(Status.IN_TRANSIT),  # in the city (local standard / express)
    "5": NpStatus(Status.IN_TRANSIT),  # on its way to the recipient's city
    "6": NpStatus(Status.IN_TRANSIT),  # in the recipient's city, expected at the branch
    "7": NpStatus(Status.READY_FOR_PICKUP),  # arrived at the branch
    "8": NpStatus(Status.READY_FOR_PICKUP, locker=True),  # loaded into a parcel locker
    "9": NpStatus(Status.DELIVERED, final=True),  # received
    "10": NpStatus(Status.DELIVERED, final=True),  # received; cash on delivery on its way back
    "11": NpStatus(Status.DELIVERED, final=True),  # received; cash on delivery paid out
    "12": NpStatus(None, "packing"),  # Nova Poshta is packing the parcel (fulfilment)
    "101": NpStatus(Status.OUT_FOR_DELIVERY),  # on its way to the recipient (courier)
    # refused by the recipient, a return to the sender ordered
    "102": NpStatus(Status.EXCEPTION, "refused", final=True),
    "103": NpStatus(Status.EXCEPTION, "refused", final=True),  # refused by the recipient
    "104": NpStatus(Status.IN_TRANSIT, "address_changed"),  # the recipient changed the address
    # storage ended (not collected in time): the parcel goes back to the sender
    "105": NpStatus(Status.EXCEPTION, "storage_ended", final=True),
    # received, and a waybill made for the money or documents going back
    "106": NpStatus(Status.DELIVERED, final=True),
    # a failed delivery attempt: the recipient was not at the address or not reachable
    "111": NpStatus(Status.ATTEMPTED_DELIVERY, "recipient_absent"),
    "112": NpStatus(None, "date_changed"),  # the recipient moved the delivery date
}


def np_status(code: str | int | None) -> NpStatus:
    """The meaning of a status code; an unknown code is "no news", never an error."""
    return STATUS_CODES.get(str(code or "").strip(), NpStatus(None, "unknown_code"))
