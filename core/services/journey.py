"""The progress bar of the tracking page: which stops an order passes, to the door or to
a pickup point, or along the cancellation or return path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from core.domain.statuses import RETURN_PATH, Status
from core.rendering import status_label
from core.storage.models import Order

from .page_words import Chrome


@dataclass
class Step:
    """One stop on the progress bar."""

    status: Status
    label: str
    state: str  # done | current | todo
    extra: list[str] = field(default_factory=list)


_STEPS = (
    Status.PLACED,
    Status.PROCESSING,
    Status.SHIPPED,
    Status.IN_TRANSIT,
    Status.OUT_FOR_DELIVERY,
    Status.DELIVERED,
)
_PICKUP_STEPS = (
    Status.PLACED,
    Status.PROCESSING,
    Status.SHIPPED,
    Status.IN_TRANSIT,
    Status.READY_FOR_PICKUP,
    Status.DELIVERED,
)
_STEP_FOR = {
    Status.PICKING: Status.PROCESSING,
    Status.PACKED: Status.PROCESSING,
    Status.READY_FOR_PICKUP: Status.OUT_FOR_DELIVERY,
    Status.ATTEMPTED_DELIVERY: Status.OUT_FOR_DELIVERY,
}
_PICKUP_STEP_FOR = {
    Status.PICKING: Status.PROCESSING,
    Status.PACKED: Status.PROCESSING,
    Status.OUT_FOR_DELIVERY: Status.IN_TRANSIT,  # on its way to the point
    Status.ATTEMPTED_DELIVERY: Status.READY_FOR_PICKUP,
}


def for_pickup(order: Order, seen: Iterable[Status] = ()) -> bool:
    """Whether the order goes to a pickup point or locker rather than to the door.

    Every parcel names a pickup point, or the order has been ready for pickup.
    """
    parcels = order.shipments
    if parcels and all(isinstance(p.pickup_point, dict) and p.pickup_point for p in parcels):
        return True
    return Status.READY_FOR_PICKUP in set(seen) or order.status == Status.READY_FOR_PICKUP


def status_word(status: Status, locale: str, pickup: bool = False) -> str:
    """The status in words; a parcel collected at a pickup point reads 'Picked up'."""
    if pickup and status == Status.DELIVERED:
        return Chrome(locale)("picked_up")
    return status_label(status, locale)


def journey(
    status: Status, seen: Iterable[Status], locale: str, pickup: bool = False
) -> list[Step]:
    """The progress steps to draw: to the door or to a pickup point, or the cancellation or
    return path."""
    seen = set(seen)
    if status == Status.CANCELLED:
        path: tuple[Status, ...] = (Status.PLACED, Status.CANCELLED)
    elif status == Status.REFUNDED and Status.CANCELLED in seen:
        path = (Status.PLACED, Status.CANCELLED, Status.REFUNDED)
    elif status in RETURN_PATH:
        path = (Status.DELIVERED, *RETURN_PATH)
    else:
        path = _PICKUP_STEPS if pickup else _STEPS
    here = (_PICKUP_STEP_FOR if pickup else _STEP_FOR).get(status, status)
    at = path.index(here) if here in path else 0
    steps = []
    for i, step in enumerate(path):
        # 'Attempted delivery' takes the last-mile stop of the courier path
        shown = status if i == at and not pickup else step
        state = "done" if i < at else "current" if i == at else "todo"
        steps.append(Step(step, status_word(shown, locale, pickup), state))
    if steps and at == len(steps) - 1:
        steps[-1].extra.append("complete")
    return steps
