"""Proactive care: what an open order's parcels are owed now, and when to look again.

Pure: the facts of one order (its parcels' statuses, estimate, last scan, pickup point)
and the shop's care rules in, the steps due now and the next time anything could fall due
out. Each step carries a `key` (parcel, rule, step, cause) that the service stores once,
so a rule never repeats itself for the same cause, whatever restarts or re-reads happen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from .rules import zone
from .statuses import Status

LATE, STALLED, PICKUP, PROBLEM = "late", "stalled", "pickup", "problem"
RULES = (LATE, STALLED, PICKUP, PROBLEM)
RECHECK = timedelta(hours=12)
"""An open order with nothing due is looked at again after this long, whatever happens."""

UNDERWAY = frozenset(
    {
        Status.PLACED,
        Status.PROCESSING,
        Status.PICKING,
        Status.PACKED,
        Status.SHIPPED,
        Status.IN_TRANSIT,
        Status.OUT_FOR_DELIVERY,
    }
)
"""Where an order (or parcel) can still be late: nothing has reached the shopper yet."""
MOVING = frozenset({Status.SHIPPED, Status.IN_TRANSIT})
"""Where a parcel can stall: with the carrier, between scans."""
PROBLEMS = {"refused", "storage_ended", "returned"}


class Step(StrEnum):
    """What a rule does when it falls due."""

    DELAY = "delay"  # a `delayed` event through the one way in
    FLAG = "flag"  # shown to the merchant (admin list, digest, alert)
    TELL = "tell"  # a message to the shopper
    FIRST = "first"  # the pickup reminder the day after arrival
    LAST = "last"  # the pickup reminder before the deadline


@dataclass(frozen=True)
class CareRules:
    """A shop's care rules: each with its own switch and timing (hours)."""

    late: bool = True
    late_grace_hours: float = 12  # after the end of the estimated day
    late_window_days: float = 7  # a day passed longer ago than this is too old to apologise for
    stalled: bool = True
    stalled_hours: float = 72  # no scan for this long: flagged to the merchant
    stalled_carriers: Mapping[str, float] = field(default_factory=dict)  # per carrier slug
    stalled_tell_hours: float = 24  # still no scan this much later: the shopper is told
    pickup: bool = True
    pickup_first_hours: float = 24  # after arrival at the branch
    pickup_last_hours: float = 14  # before the end of the last free day (10:00 that day)
    problem: bool = True
    problem_tell_hours: float = 1  # the shopper's next steps, after the problem


@dataclass(frozen=True)
class ParcelFacts:
    """One parcel as care sees it ("" key: the order itself, before any parcel)."""

    key: str
    status: Status | None
    status_at: datetime | None = None
    overlay: Status | None = None  # delayed or exception, laid over the status
    overlay_at: datetime | None = None
    carrier: str | None = None
    estimated: date | None = None
    last_scan_at: datetime | None = None
    followed: bool = False  # Wismo follows it at the carrier (scans are expected)
    keep_until: date | None = None  # the last free day at the pickup point
    reason: str | None = None  # the carrier's canonical reason (refused, storage_ended)


@dataclass(frozen=True)
class Due:
    """A step of a rule, due at `at`, for one parcel and one cause."""

    rule: str
    step: Step
    parcel: str
    cause: str
    at: datetime

    @property
    def key(self) -> str:
        """The step's identity: stored once, so it never happens twice. A late date is the
        order's: one apology per order and passed date, whichever parcel (or the order
        before it shipped) carried it."""
        scope = "" if self.rule == LATE else self.parcel
        return f"{scope}:{self.rule}:{self.step}:{self.cause}"[:200]


@dataclass(frozen=True)
class Assessment:
    """The steps due now (not done before), and when to look at the order again."""

    due: tuple[Due, ...]
    next_at: datetime | None


def stall_hours(rules: CareRules, carrier: str | None) -> float:
    """How long a parcel of `carrier` may go without a scan before it counts as stalled."""
    return float(rules.stalled_carriers.get(carrier or "", rules.stalled_hours))


def _day_end(day: date, tz: str) -> datetime:
    """The first moment after `day` in zone `tz`."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone(tz))


def candidates(p: ParcelFacts, rules: CareRules, tz: str) -> list[Due]:
    """Every step one parcel's facts can lead to, at its own time (past or future)."""
    out: list[Due] = []
    troubled = p.overlay == Status.EXCEPTION
    if rules.late and p.status in UNDERWAY and not troubled and p.estimated is not None:
        at = _day_end(p.estimated, tz) + timedelta(hours=rules.late_grace_hours)
        out.append(Due(LATE, Step.DELAY, p.key, p.estimated.isoformat(), at))
    if rules.stalled and p.followed and p.status in MOVING and not troubled:
        since = p.last_scan_at or p.status_at
        if since is not None:
            flag = since + timedelta(hours=stall_hours(rules, p.carrier))
            cause = since.isoformat(timespec="seconds")
            out.append(Due(STALLED, Step.FLAG, p.key, cause, flag))
            tell = flag + timedelta(hours=rules.stalled_tell_hours)
            out.append(Due(STALLED, Step.TELL, p.key, cause, tell))
    if rules.pickup and p.status == Status.READY_FOR_PICKUP and p.status_at is not None:
        cause = p.status_at.isoformat(timespec="seconds")
        first = p.status_at + timedelta(hours=rules.pickup_first_hours)
        last = None
        if p.keep_until is not None:
            last = _day_end(p.keep_until, tz) - timedelta(hours=rules.pickup_last_hours)
            out.append(Due(PICKUP, Step.LAST, p.key, cause, max(last, p.status_at)))
            # waiting past the deadline: the merchant's to act on (call, or expect a return)
            out.append(Due(PICKUP, Step.FLAG, p.key, cause, _day_end(p.keep_until, tz)))
        if last is None or first < last:
            out.append(Due(PICKUP, Step.FIRST, p.key, cause, first))
    since = problem_since(p)
    if rules.problem and since is not None:
        kind = problem_of(p)
        cause = f"{kind}.{since.isoformat(timespec='seconds')}"
        out.append(Due(PROBLEM, Step.FLAG, p.key, cause, since))
        tell = since + timedelta(hours=rules.problem_tell_hours)
        out.append(Due(PROBLEM, Step.TELL, p.key, cause, tell))
    return out


def problem_of(p: ParcelFacts) -> str:
    """The kind of delivery problem: attempted, refused, returned, storage_ended, exception."""
    if p.status == Status.ATTEMPTED_DELIVERY and p.overlay != Status.EXCEPTION:
        return "attempted"
    if p.status == Status.RETURNED:
        return "returned"
    return p.reason if p.reason in PROBLEMS else "exception"


def problem_since(p: ParcelFacts) -> datetime | None:
    """When the parcel's delivery problem began; None when it has none."""
    if p.overlay == Status.EXCEPTION:
        return p.overlay_at
    if p.status in (Status.ATTEMPTED_DELIVERY, Status.RETURNED):
        return p.status_at
    return None


def assess(
    parcels: Iterable[ParcelFacts],
    rules: CareRules,
    now: datetime,
    done: Iterable[str],
    tz: str = "UTC",
    recheck: timedelta = RECHECK,
) -> Assessment:
    """The steps due by `now` and not done yet, and the next time to look (None: closed)."""
    done = set(done)
    parcels = list(parcels)
    steps = [d for p in parcels for d in candidates(p, rules, tz) if d.key not in done]
    steps = list({d.key: d for d in steps[::-1]}.values())  # one step per key, the first
    # an estimate that passed long ago (a first run over old open orders, an order nobody
    # closed) is not news to anyone: no apology for it
    window = timedelta(days=rules.late_window_days)
    steps = [d for d in steps if not (d.rule == LATE and now - d.at > window)]
    due = tuple(sorted((d for d in steps if d.at <= now), key=lambda d: (d.at, d.key)))
    # an open order is looked at again at least every `recheck`: news that did not touch
    # the order's own row (one parcel of several) is caught within that time
    later = [d.at for d in steps if d.at > now]
    open_ = any(p.status not in CLOSED and p.overlay != Status.EXCEPTION for p in parcels)
    if open_:
        later.append(now + recheck)
    return Assessment(due, min(later) if later else None)


CLOSED = frozenset(
    {Status.DELIVERED, Status.CANCELLED, Status.RETURNED, Status.REFUNDED, Status.RETURN_REQUESTED}
)
"""Where care ends: nothing more is on its way to the shopper."""
