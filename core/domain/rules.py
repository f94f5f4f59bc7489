"""Which messages an applied status is due: the policy matrix, consent, quiet hours, debounce."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .intake import time_zones
from .statuses import Status

EMAIL = "email"
SMS = "sms"
WEBHOOK = "webhook"
MESSENGERS = frozenset({"whatsapp", "telegram", "viber"})
QUIET_CHANNELS = frozenset({SMS}) | MESSENGERS
"""The built-in kinds that buzz a phone (a Policy's default; shops get the registry's)."""

DEFAULT_EMAIL_STATUSES = frozenset(
    {
        Status.PLACED,
        Status.SHIPPED,
        Status.OUT_FOR_DELIVERY,
        Status.READY_FOR_PICKUP,
        Status.ATTEMPTED_DELIVERY,
        Status.DELIVERED,
        Status.DELAYED,
        Status.EXCEPTION,
        Status.CANCELLED,
        Status.REFUNDED,
    }
)

OPTIONAL = frozenset(
    {
        Status.PROCESSING,
        Status.PICKING,
        Status.PACKED,
        Status.IN_TRANSIT,
        Status.OUT_FOR_DELIVERY,
        Status.DELIVERED,
    }
)
"""Progress news a shopper may stop; confirmations, problems and money matters always go."""

OPTIONAL_EMAIL = "email_optional"
"""The opt-out the unsubscribe link records: no more OPTIONAL emails, the rest still go."""


def stopped(channel: str, status: Status, opted_out: Iterable[str]) -> bool:
    """Whether the shopper's opt-outs rule out `status` on `channel`."""
    opted_out = set(opted_out)
    if channel in opted_out:
        return True
    return channel == EMAIL and status in OPTIONAL and OPTIONAL_EMAIL in opted_out


CARRIES_TRACKING = frozenset(
    {
        Status.SHIPPED,
        Status.IN_TRANSIT,
        Status.OUT_FOR_DELIVERY,
        Status.READY_FOR_PICKUP,
        Status.ATTEMPTED_DELIVERY,
        Status.DELAYED,
        Status.EXCEPTION,
    }
)
"""Statuses whose emails and messenger messages show the parcel's carrier, number and link."""


def carries_tracking(status: Status, channel: str) -> bool:
    """Whether `status`'s message on `channel` tells the parcel's tracking (SMS: shipped only)."""
    return status == Status.SHIPPED or (channel != SMS and status in CARRIES_TRACKING)


IMMEDIATE = frozenset({Status.PLACED})
"""Statuses never debounced: the confirmation goes out at once."""


def default_matrix(kinds: Iterable[str] = (EMAIL,)) -> dict[str, dict[str, bool]]:
    """The policy every new shop starts with: email on the milestones that matter.

    `kinds` are the message kinds installed (the registry's, in display order); the
    matrix lists them in that order, all off but email.
    """
    kinds = tuple(kinds)
    return {
        s.value: {ch: (ch == EMAIL and s in DEFAULT_EMAIL_STATUSES) for ch in kinds} for s in Status
    }


@dataclass(frozen=True)
class Policy:
    """A shop's notification policy."""

    matrix: Mapping[str, Mapping[str, bool]] = field(default_factory=default_matrix)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    debounce: timedelta = timedelta(minutes=2)
    timezone: str = "UTC"
    failover: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per status, channels that stand in for one another, best first (shop "failover")."""
    quiet: frozenset[str] = QUIET_CHANNELS
    """Channels held back during the shopper's quiet hours (kinds declaring `quiet`)."""

    def channels_for(self, status: Status) -> list[str]:
        """The channels switched on for `status`, in the matrix's order."""
        row = self.matrix.get(status.value, {})
        return [ch for ch, on in row.items() if on]


@dataclass(frozen=True)
class Planned:
    """A message due on one channel, not to be sent before `not_before`."""

    channel: str
    not_before: datetime


def plan(
    policy: Policy,
    status: Status,
    now: datetime,
    reachable: Iterable[str],
    opted_out: Iterable[str] = (),
    shopper_tz: str | None = None,
) -> list[Planned]:
    """The messages `status` is due, given where the shopper can be reached and has opted out."""
    reachable, opted_out = set(reachable), set(opted_out)
    due = []
    for channel in policy.channels_for(status):
        if channel not in reachable or stopped(channel, status, opted_out):
            continue
        at = now if status in IMMEDIATE else now + policy.debounce
        if channel in policy.quiet:
            at = after_quiet_hours(at, policy, shopper_tz or policy.timezone)
        due.append(Planned(channel, at))
    return first_of_chain(policy, status, due)


def first_of_chain(policy: Policy, status: Status, due: list[Planned]) -> list[Planned]:
    """Of the due channels in the status's failover chain, only the best one goes out.

    The others in the chain wait as fallbacks; channels outside the chain are extra
    copies the merchant asked for and go out as well.
    """
    chain = policy.failover.get(status.value) or ()
    in_chain = [p for p in due if p.channel in chain]
    if len(in_chain) < 2:
        return due
    best = min(in_chain, key=lambda p: chain.index(p.channel))
    return [p for p in due if p.channel not in chain or p is best]


def next_in_chain(policy: Policy, status: Status, failed: str, usable: Iterable[str]) -> str | None:
    """The channel that takes over from `failed`: the next in the chain that is `usable`.

    `usable` are the channels switched on for the status, where the shopper can be
    reached, has not opted out and has not been messaged about this status yet.
    """
    chain = list(policy.failover.get(status.value) or ())
    if failed not in chain:
        return None
    usable = set(usable) & set(policy.channels_for(status))
    return next((ch for ch in chain[chain.index(failed) + 1 :] if ch in usable), None)


def zone(name: str | None) -> ZoneInfo:
    """The named time zone, or UTC for an unknown or empty name."""
    if not name or name not in time_zones():  # "Europe" is a folder: ZoneInfo raises OSError
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def after_quiet_hours(at: datetime, policy: Policy, tz_name: str) -> datetime:
    """`at`, or the end of the shopper's quiet hours if `at` falls inside them."""
    if policy.quiet_start == policy.quiet_end:
        return at  # no quiet hours
    local = at.astimezone(zone(tz_name))
    t = local.time()
    start, end = policy.quiet_start, policy.quiet_end
    overnight = start > end
    inside = (t >= start or t < end) if overnight else (start <= t < end)
    if not inside:
        return at
    wake = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake.astimezone(at.tzinfo)
