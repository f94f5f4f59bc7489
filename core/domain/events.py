"""The canonical event: what every adapter translates a platform's webhook into."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .intake import check_event
from .statuses import Status


@dataclass(frozen=True)
class CustomerInfo:
    """Who ordered, as far as the platform told us."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    locale: str | None = None
    timezone: str | None = None
    external_id: str | None = None

    @property
    def first_name(self) -> str | None:
        """The first word of the name: all a message or the tracking page needs."""
        return self.name.split()[0] if self.name and self.name.strip() else None


@dataclass(frozen=True)
class ShipmentInfo:
    """One parcel: its carrier, tracking and where it can be picked up."""

    id: str
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    estimated_delivery: date | None = None
    pickup_point: dict[str, Any] | None = None
    items_count: int | None = None
    delivery_window: dict[str, Any] | None = None  # {"from", "to"}: ISO instants, courier's


SILENT = "silent"
"""`extra` flag of an import of old orders: record progress, send nothing."""
BACKFILL = "backfill"
"""`extra` flag of an import of open orders: send the current news, but no late confirmation."""


@dataclass(frozen=True)
class OrderEventIn:
    """A status change (or a facts-only update when `status` is None) for one order."""

    event_key: str  # unique per shop and source: the platform's event or delivery id
    source: str  # adapter slug: shopify, woocommerce, opencart, api, simulator
    order_id: str  # the platform's order id
    occurred_at: datetime  # when it happened, by the platform's clock (aware)
    status: Status | None = None
    number: str | None = None
    customer: CustomerInfo | None = None
    items: list[dict[str, Any]] | None = None
    total: str | None = None
    currency: str | None = None
    locale: str | None = None
    estimated_delivery: date | None = None
    reason: str | None = None
    shipment: ShipmentInfo | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    shipping_total: str | None = None  # what the shopper paid for delivery
    refund_amount: str | None = None  # what a refund event gave back (all refunds so far)
    placed_at: datetime | None = None  # when the shopper placed the order (the platform's)

    def __post_init__(self) -> None:
        # the one intake check every adapter goes through: refuse or normalise here, so that
        # nothing accepted can fail later in the database, a page or a message
        for name, value in check_event(self).items():
            object.__setattr__(self, name, value)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict from which `from_json` rebuilds the event."""
        return _jsonable(asdict(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrderEventIn:
        """The event `to_json` described."""
        d = dict(data)
        d["occurred_at"] = datetime.fromisoformat(d["occurred_at"])
        d["placed_at"] = datetime.fromisoformat(d["placed_at"]) if d.get("placed_at") else None
        d["status"] = Status(d["status"]) if d.get("status") else None
        d["estimated_delivery"] = _date(d.get("estimated_delivery"))
        if d.get("customer"):
            d["customer"] = CustomerInfo(**d["customer"])
        if d.get("shipment"):
            s = dict(d["shipment"])
            s["estimated_delivery"] = _date(s.get("estimated_delivery"))
            d["shipment"] = ShipmentInfo(**s)
        return cls(**d)


CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of our clock a sender's event time may lie and still be believed."""


def effective_time(claimed: datetime, received: datetime, skew: timedelta = CLOCK_SKEW) -> datetime:
    """When an event counts as having happened: the time it claims, unless that lies more
    than `skew` after its receipt (a wrong clock, a bad value): then the time received."""
    # a difference, never received + skew: a claimed 9999-12-31 must not overflow
    return received if claimed - received > skew else claimed


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Status):
        return value.value
    return value


def utc_instant(value: Any) -> datetime | None:
    """A platform's ISO 8601 time as an aware datetime: "Z" understood, no offset read as UTC.

    None for an empty or unparsable value; callers decide whether that is an error.
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
