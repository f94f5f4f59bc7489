"""The estimate: cut-off, processing, working days and holidays, then the carrier's transit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from .calendar import PUBLIC, WORKDAY, WorkCalendar, open_days_between
from .transit import DEFAULT_TRANSIT, Range, carrier_days, zone_of

# why a promise is what it is; each change of an order's date is recorded with one of these
CAUSES = (
    "computed",  # the shop's settings and the carrier's default or configured transit
    "learned",  # the same, with the transit learned from the shop's own deliveries
    "platform",  # the store sent its own date (Shopify estimated_delivery_at, the event API)
    "carrier",  # the carrier's estimate (Nova Poshta ScheduledDeliveryDate, 17TRACK, karrio)
    "delay",  # the previous range passed undelivered: a new one from today
)


@dataclass(frozen=True)
class PromiseSettings:
    """What a shop set: cut-off and processing in its warehouse, and transit per carrier."""

    cutoff: time = time(15, 0)  # orders at or after it start processing the next open day
    processing_days: int = 1  # open days from the start of processing to handover
    working_days: frozenset[int] = frozenset(range(5))  # the warehouse's, Monday 0
    holidays_country: str | None = None  # the warehouse's country (also home for zones)
    # also closed on the holidays that are working days by law (Ukraine under martial law)
    rest_on_workday_holidays: bool = False
    timezone: str = "UTC"  # the warehouse's, where the cut-off is read
    # the merchant's own transit: {carrier or "*": {"domestic"|"international": (min, max)}}
    transit: Mapping[str, Mapping[str, Range]] = field(default_factory=dict)
    # learned from the shop's deliveries: {carrier: {destination country: (p20, p80)}}
    learned: Mapping[str, Mapping[str, Range]] = field(default_factory=dict)

    def warehouse(self) -> WorkCalendar:
        """The days the warehouse ships on."""
        categories = (PUBLIC, WORKDAY) if self.rest_on_workday_holidays else (PUBLIC,)
        return WorkCalendar(self.working_days, self.holidays_country, categories)


@dataclass(frozen=True)
class OrderFacts:
    """What is known of one order: carrier, where it goes, the shopper's zone, handover."""

    carrier: str | None = None  # a `wismo.carriers` slug
    destination: str | None = None  # ISO 3166 country of the shopper, when known
    shopper_timezone: str | None = None
    shipped_on: date | None = None  # handed to the carrier on (skips the warehouse part)


@dataclass(frozen=True)
class Promise:
    """A delivery range (one day when earliest == latest) and why it is what it is."""

    earliest: date
    latest: date
    cause: str
    ships_on: date | None = None  # the handover day it counts on
    holds_until: datetime | None = None  # an order placed before this (UTC) gets this promise
    transit: Range | None = None

    @property
    def single(self) -> bool:
        """Whether the range is a single day."""
        return self.earliest == self.latest


def delivery_calendar(facts: OrderFacts, settings: PromiseSettings) -> WorkCalendar:
    """The days the carrier delivers on at the destination (its weekdays, its holidays)."""
    return WorkCalendar(carrier_days(facts.carrier), facts.destination or settings.holidays_country)


def transit_for(facts: OrderFacts, settings: PromiseSettings) -> tuple[Range, str]:
    """(transit range, "learned" | "computed"): learned, else configured, else the defaults."""
    carrier = facts.carrier or "*"
    region = (facts.destination or settings.holidays_country or "*").upper()
    learned = settings.learned.get(carrier, {}).get(region)
    if learned:
        return _sane(learned), "learned"
    zone = zone_of(facts.destination, settings.holidays_country)
    for table in (settings.transit, DEFAULT_TRANSIT):
        for key in (carrier, "*"):
            found = table.get(key, {}).get(zone)
            if found:
                return _sane(found), "computed"
    return _sane(DEFAULT_TRANSIT["*"][zone]), "computed"


def _sane(span: Range) -> Range:
    low = max(0, int(span[0]))
    return low, max(low, int(span[1]))


def _after(calendar: WorkCalendar, day: date, count: int) -> date:
    """The `count`-th open day after `day` (count 0: the first open day from `day`)."""
    for _ in range(count):
        day = calendar.next_open(day)
    return calendar.first_open(day)


def _today(now: datetime, zone: str | None, fallback: str) -> date:
    return now.astimezone(ZoneInfo(zone or fallback)).date()


def estimate(facts: OrderFacts, settings: PromiseSettings, now: datetime) -> Promise:
    """The promise for an order placed (or looked at before purchase) at `now`."""
    warehouse, delivery = settings.warehouse(), delivery_calendar(facts, settings)
    here = ZoneInfo(settings.timezone)
    holds_until = None
    if facts.shipped_on is not None:
        ships_on = facts.shipped_on
    else:
        local = now.astimezone(here)
        today = local.date()
        start = today
        if not warehouse.is_open(today) or local.time() >= settings.cutoff:
            start = warehouse.next_open(today)
        ships_on = warehouse.add(start, max(0, settings.processing_days))
        holds_until = datetime.combine(start, settings.cutoff, here).astimezone(UTC)
    (low, high), cause = transit_for(facts, settings)
    floor = _today(now, facts.shopper_timezone, settings.timezone)
    earliest = delivery.first_open(max(_after(delivery, ships_on, low), floor))
    latest = delivery.first_open(max(_after(delivery, ships_on, high), earliest))
    return Promise(earliest, latest, cause, ships_on, holds_until, (low, high))


def re_estimate_after_delay(
    previous: Promise, facts: OrderFacts, settings: PromiseSettings, now: datetime
) -> Promise:
    """A new range once `previous` passed undelivered: from the next open day, as wide as before."""
    delivery = delivery_calendar(facts, settings)
    today = _today(now, facts.shopper_timezone, settings.timezone)
    spread = max(1, open_days_between(previous.earliest, previous.latest, delivery))
    earliest = delivery.next_open(max(today, previous.latest))
    latest = _after(delivery, earliest, spread)
    return Promise(earliest, latest, "delay", previous.ships_on, None, previous.transit)


def from_carrier(day: date, cause: str = "carrier") -> Promise:
    """A carrier's or the platform's own date: it replaces the computed range."""
    if cause not in CAUSES:
        raise ValueError(f"unknown cause {cause!r}")
    return Promise(day, day, cause)
