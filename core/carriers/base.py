"""The Carrier protocol: how Wismo follows a parcel at the carrier that carries it.

Carriers register under the `wismo.carriers` entry point group, built-in ones exactly as an
outside package would. Each keeps its pure parts apart, as karrio's connectors do: a status
table (carrier code → canonical status), a number recogniser, and the one module that does
HTTP. The tracking service polls them in batches within their rate limits, or takes their
pushes, and feeds every update into the same pipeline as any other event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

from core.adapters import InboundRequest
from core.domain.statuses import Status
from core.errors import WismoError
from core.plugins import PluginMetadata


@dataclass(frozen=True)
class CarrierMetadata(PluginMetadata):
    """A carrier's card: who it is, how to reach it, how hard it may be asked."""

    kind: str = "carrier"  # type: ignore[assignment]
    phone: str = ""  # the shopper-facing contact, in international form
    site: str = ""
    tracking_url: str = ""  # public tracking page, with {number} where the number goes
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2 where it mostly works ("UA", ...)
    batch_size: int = 1  # most numbers one tracking request may carry
    rate_limit: float = 1.0  # most requests per second, per set of credentials
    polls: bool = True  # it answers tracking requests (polling)
    pushes: bool = False  # it can push updates (the carrier implements ReceivesPushes)
    aliases: tuple[str, ...] = ()  # other names shops give it ("Нова пошта", "nova-poshta")


@dataclass(frozen=True)
class Parcel:
    """A parcel to look up: its number and what helps the carrier answer in full."""

    number: str
    phone: str | None = None  # Nova Poshta returns full details only with the recipient's phone
    destination_country: str | None = None
    shipped_at: datetime | None = None


@dataclass(frozen=True)
class PickupPoint:
    """Where a parcel waits: a branch or a parcel locker."""

    name: str
    address: str = ""
    hours: str = ""  # as the carrier states them
    kind: str = "branch"  # "branch" or "locker"
    deadline: date | None = None  # last free day; paid storage or return after it
    # the week, Monday first: "08:00-20:00" per day, "" when closed; shown in the shopper's
    # language (day names by Babel) where `hours`, the carrier's own line, is not
    schedule: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scan:
    """One event in the carrier's history of a parcel.

    `scan_id` is the carrier's own identity of the scan (or a stable digest of its time,
    code and place when it has none): the pipeline dedupes on it, so polling the same
    history twice sends nothing twice.
    """

    scan_id: str
    occurred_at: datetime  # aware
    code: str  # the carrier's own status code, as given
    description: str  # the carrier's words, as given
    status: Status | None = None  # canonical, from the carrier's status table; None: no news
    location: str | None = None
    reason: str | None = None  # canonical reason (refused, address_changed, ...), if any


@dataclass(frozen=True)
class ParcelUpdate:
    """What a carrier knows of one parcel now."""

    number: str
    found: bool = True  # False: the carrier does not know this number (yet)
    status: Status | None = None  # the current canonical status
    scans: tuple[Scan, ...] = ()  # oldest first
    estimated_delivery: date | None = None  # the carrier's own estimate
    delivery_window: tuple[datetime, datetime] | None = None  # out for delivery, between
    pickup_point: PickupPoint | None = None
    final: bool = False  # delivered or returned: follow one more day, then stop
    raw: Mapping[str, Any] = field(default_factory=dict)  # the carrier's record, for support


@dataclass(frozen=True)
class CarrierContext:
    """What the running service gives every carrier it builds."""

    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    timeout: float = 10.0  # seconds for one HTTP request


class CarrierError(WismoError):
    """Asking the carrier failed."""


class TransientCarrierError(CarrierError):
    """Worth asking again later: a timeout, a 5xx, a rate limit (retry_after in seconds)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CarrierAuthError(CarrierError):
    """The merchant's credentials were refused: nothing works until they are fixed."""


@runtime_checkable
class Carrier(Protocol):
    """Follows parcels at one carrier.

    Built with `from_config(config, context)`, `config` being the shop's settings for this
    carrier (credentials decrypted); the class-level parts (metadata, `recognise`,
    `tracking_link`) need no configuration, so detection works before a carrier is connected.
    """

    metadata: ClassVar[CarrierMetadata]

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: CarrierContext) -> Carrier: ...

    @classmethod
    def recognise(cls, number: str) -> float:
        """How likely `number` is one of this carrier's (0: never; 1: certainly)."""
        ...

    @classmethod
    def tracking_link(cls, number: str, locale: str | None = None) -> str | None:
        """The carrier's public tracking page for `number`."""
        ...

    def track(self, parcels: Sequence[Parcel]) -> list[ParcelUpdate]:
        """Updates for at most `metadata.batch_size` parcels, in one batch where the API can.

        Raises TransientCarrierError to be asked again later, CarrierAuthError when the
        credentials are refused. A number the carrier does not know is `found=False`, not an
        error.
        """
        ...


@runtime_checkable
class ReceivesPushes(Protocol):
    """A carrier that pushes updates to `POST /carriers/<slug>/<shop_key>`."""

    def verify_push(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        """Raise InvalidSignature unless the push is authentic (constant-time compare)."""

    def parse_push(self, request: InboundRequest) -> list[ParcelUpdate]:
        """The updates in a verified push (MalformedPayload with a reason if none)."""
        ...
