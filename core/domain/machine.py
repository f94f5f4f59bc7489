"""The order state machine: which events move an order or a parcel, and which are stale.

Pure functions over small immutable values, so every rule can be tested (and
property-tested) without a database. The store keeps the result; nothing here
knows how.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from .statuses import OVERLAYS, RANK, RETURN_PATH, SHIPMENT_STATUSES, Status

_BEFORE_SHIPPING = frozenset({Status.PLACED, Status.PROCESSING, Status.PICKING, Status.PACKED})


class Outcome(StrEnum):
    """What applying one event did."""

    APPLIED = "applied"  # the status moved forward
    OVERLAY = "overlay"  # delayed / exception laid over the current status
    UNCHANGED = "unchanged"  # the same status again (a repeat from another source)
    STALE = "stale"  # older than what was already applied: kept, never applied
    REJECTED = "rejected"  # would move backwards or is not allowed from here


@dataclass(frozen=True, slots=True)
class Progress:
    """Where an order (or one parcel) stands: its status, overlay and when they happened."""

    status: Status | None = None
    at: datetime | None = None  # when the current status happened
    overlay: Status | None = None
    overlay_at: datetime | None = None  # when the overlay was laid


@dataclass(frozen=True, slots=True)
class Transition:
    """The result of `advance`: the outcome, the new progress, the status now due a message."""

    outcome: Outcome
    progress: Progress
    notify: Status | None = None


def advance(current: Progress, status: Status, at: datetime) -> Transition:
    """Apply one event (status at time `at`) to `current`, never going backwards.

    Real statuses are judged against the time of the current status, overlays
    against the newer of that and the current overlay; so any reordering of the
    same events ends in the same place.
    """
    if status in OVERLAYS:
        return _lay_overlay(current, status, at)
    if current.at is not None and at < current.at:
        return Transition(Outcome.STALE, current)
    # progress newer than the overlay clears it; an older one (arriving late) leaves it
    keep = (
        current.overlay is not None and current.overlay_at is not None and at < current.overlay_at
    )
    overlay = (current.overlay, current.overlay_at) if keep else (None, None)
    if current.status is None:
        return Transition(Outcome.APPLIED, Progress(status, at, *overlay), status)
    if status == current.status:
        return Transition(Outcome.UNCHANGED, Progress(status, at, *overlay))
    if not allowed(current.status, status):
        return Transition(Outcome.REJECTED, current)
    return Transition(Outcome.APPLIED, Progress(status, at, *overlay), status)


def allowed(current: Status, new: Status) -> bool:
    """Whether an order at `current` may move to `new` (both real, non-overlay statuses)."""
    if current == Status.REFUNDED:
        return False
    if new == Status.REFUNDED:
        return True  # a refund can close any order, shipped or not
    if current == Status.CANCELLED:
        return False  # only a refund follows a cancellation
    if new == Status.CANCELLED:
        return current in _BEFORE_SHIPPING  # after shipping it is a return
    # the return path is not checked against delivery: webhooks get lost and arrive late, and
    # a return request seen after "processing" means the delivery news went missing
    if RANK[new] == RANK[current]:
        return True  # the last mile: out for delivery <-> attempted <-> pickup point
    return RANK[new] > RANK[current]


def _lay_overlay(current: Progress, overlay: Status, at: datetime) -> Transition:
    latest = max((t for t in (current.at, current.overlay_at) if t is not None), default=None)
    if latest is not None and at < latest:
        return Transition(Outcome.STALE, current)
    if current.status in (Status.DELIVERED, Status.CANCELLED, *RETURN_PATH):
        return Transition(Outcome.REJECTED, current)
    if current.overlay == overlay:
        return Transition(Outcome.UNCHANGED, replace(current, overlay_at=at))
    return Transition(Outcome.OVERLAY, replace(current, overlay=overlay, overlay_at=at), overlay)


def is_shipment_status(status: Status) -> bool:
    """Whether the status belongs to a parcel rather than the whole order."""
    return status in SHIPMENT_STATUSES


@dataclass(frozen=True, slots=True)
class OrderView:
    """The order's own progress plus its parcels', from which its shown status is derived."""

    own: Progress
    shipments: Sequence[Progress] = ()
    items_total: int | None = None
    items_shipped: int = 0


def derive_status(view: OrderView) -> tuple[Status | None, Status | None]:
    """The order's status and overlay as the shopper sees them, given its parcels.

    The order is as far along as its least advanced parcel once everything has
    shipped; while some items have not shipped it is `shipped` (partially).
    An order-level cancellation or return outranks its parcels.
    """
    own = view.own.status
    overlay = view.own.overlay or next((s.overlay for s in view.shipments if s.overlay), None)
    parcels = [s.status for s in view.shipments if s.status is not None]
    if not parcels or own in (Status.CANCELLED, *RETURN_PATH):
        return own, overlay
    least = min(parcels, key=lambda s: RANK[s])
    if view.items_total is not None and view.items_shipped < view.items_total:
        least = Status.SHIPPED
    if own is None or RANK[least] >= RANK[own]:
        return least, overlay
    return own, overlay
