"""Where a followed parcel stands after its carrier answered, and when to ask next."""

from __future__ import annotations

from datetime import datetime

from core.carriers.base import ParcelUpdate
from core.carriers.detect import is_fallback
from core.carriers.schedule import PollPolicy, next_check
from core.storage.models import FollowedParcel

from .config import carrier_classes
from .events import facts_of

ACTIVE = "active"
UNRECOGNISED = "unrecognised"
NOT_FOUND = "not_found"
ENDED = "ended"
FOLLOWED = (ACTIVE, UNRECOGNISED, NOT_FOUND)


def mark_found(
    parcel: FollowedParcel,
    update: ParcelUpdate,
    now: datetime,
    policy: PollPolicy,
    pushes: bool = False,
) -> None:
    """The carrier knows the parcel: keep its status and facts, plan the next check or end."""
    parcel.state = ACTIVE
    parcel.failures, parcel.last_error = 0, None
    parcel.not_found_since = parcel.flagged_at = None
    parcel.last_checked_at = parcel.last_success_at = now
    if update.status is not None:
        parcel.status = update.status.value
    parcel.facts = facts_of(update)
    if update.final and parcel.final_at is None:
        parcel.final_at = now
    if parcel.final_at is not None and now >= parcel.final_at + policy.after_final:
        parcel.state, parcel.ended_at, parcel.next_check_at = ENDED, now, None
        return
    due = update.estimated_delivery is not None and update.estimated_delivery <= now.date()
    at = next_check(policy, parcel.status, now, estimate_due=due)
    if pushes:  # its pushes bring the news: polling only catches what a push lost
        at = now + (at - now) * policy.push_stretch
    if parcel.final_at is not None:
        at = min(at, parcel.final_at + policy.after_final)
    parcel.next_check_at = at


def mark_not_found(parcel: FollowedParcel, now: datetime, policy: PollPolicy) -> None:
    """The carrier does not know the number: the next candidate, or wait, flag, give up."""
    parcel.last_checked_at = now
    parcel.failures, parcel.last_error = 0, None
    others = [str(x) for x in parcel.candidates or []]
    fallback = bool(others) and is_fallback(carrier_classes().get(others[0]))
    # an ambiguous number: try the next carrier; a named one goes only to the fallback
    if others and (parcel.detected_by != "name" or fallback):
        parcel.carrier, rest = others[0], others[1:]
        parcel.candidates = rest
        parcel.detected_by = "fallback" if fallback else parcel.detected_by
        parcel.not_found_since = parcel.not_found_since or now  # the 48 h count from here
        parcel.next_check_at = now
        return
    parcel.not_found_since = parcel.not_found_since or now
    waited = now - parcel.not_found_since
    parcel.state = NOT_FOUND
    if waited >= policy.flag_after and parcel.flagged_at is None:
        parcel.flagged_at = now
    if waited >= policy.give_up_after:
        parcel.state, parcel.ended_at, parcel.next_check_at = ENDED, now, None
        return
    parcel.next_check_at = now + policy.not_found
