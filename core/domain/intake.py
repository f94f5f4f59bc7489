"""The one intake schema: what an event may carry so that it can always be stored and shown.

Every adapter builds an `OrderEventIn`; its constructor runs `check_event`, so the event
API and each platform's translation share these limits instead of keeping copies. The
limits are the database's column sizes (a test keeps them equal to core/storage/models.py)
and the ranges pages and messages can render: an event that passes is never refused later
by the database, a template or a time-zone conversion.

Free text (names, reasons) is normalised: NUL and other control characters and lone
surrogates are dropped, since PostgreSQL and UTF-8 cannot hold them. Identifiers are not
rewritten (two keys must not become one): a bad one is refused with a reason.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any
from zoneinfo import available_timezones

# the column sizes of core/storage/models.py (tests/unit/test_intake.py compares them)
LIMITS = {
    "event_key": 200,  # order_events.event_key
    "source": 40,  # order_events.source
    "order_id": 100,  # orders.external_id, order_events.order_external_id
    "number": 64,  # orders.number
    "currency": 3,  # orders.currency
    "locale": 16,  # orders.locale, customers.locale
    "total": 32,  # orders.total
    "shipping_total": 32,  # orders.shipping_total
    "customer.name": 200,  # customers.name
    "customer.email": 320,  # customers.email
    "customer.phone": 100,  # customers.phone: as the shopper typed it
    "customer.locale": 16,  # customers.locale
    "customer.timezone": 64,  # customers.timezone
    "customer.external_id": 100,  # customers.external_id
    "shipment.id": 100,  # shipments.external_id
    "shipment.carrier": 100,  # shipments.carrier
    "shipment.tracking_number": 100,  # shipments.tracking_number
}
TEXT_LIMIT = 4000  # free text kept in Text or JSON columns: a reason, an item's name
URL_LIMIT = 2000
MAX_ITEMS = 500
MAX_QUANTITY = 1_000_000  # items_total is a 32-bit integer: 500 lines of this still fit
MAX_AMOUNT = Decimal("1e12")  # money: below a trillion, at most 4 decimal places
AMOUNT_PLACES = 4
MAX_JSON = 8000  # a pickup point or an item, serialised
YEARS = (1970, 2999)  # dates a page can show and add days to without overflowing
_LOCALE = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class InvalidEvent(ValueError):
    """An event holding a value Wismo cannot store or show; `errors` maps each field to why.

    `event_key` and `order_id` are what the event called itself (cut to size), so that a
    webhook's rejection can be recorded and shown to the merchant.
    """

    def __init__(self, errors: dict[str, str], event_key: str, order_id: str) -> None:
        super().__init__("invalid event: " + "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.event_key = event_key
        self.order_id = order_id


def clean_text(value: str) -> str:
    """`value` without NUL, control characters (tabs and newlines stay) or lone surrogates."""
    return unicodedata.normalize("NFC", _UNPRINTABLE.sub("", value))


@cache
def time_zones() -> frozenset[str]:
    """The IANA tz database's zone names ("Europe/Kyiv"), read once."""
    return frozenset(available_timezones())


class _Check:
    """Collects every bad field of one event instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, path: str, reason: str) -> None:
        self.errors.setdefault(path, reason)

    def ident(self, value: Any, path: str, required: bool = False) -> str | None:
        """An identifier: a string (or whole number) that fits its column, kept as given."""
        if value is None or value == "":
            if required:
                self.fail(path, "required")
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(path, "must be a string")
            return None
        if _UNPRINTABLE.search(value):
            self.fail(path, "contains a control character or an invalid code point")
            return None
        return self._fit(value.strip(), path) if value.strip() else self.ident(None, path, required)

    def text(self, value: Any, path: str, limit: int | None = None) -> str | None:
        """Free text: control characters dropped, blank is None, too long is refused."""
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(path, "must be a string")
            return None
        cleaned = clean_text(value).strip()
        return self._fit(cleaned, path, limit) if cleaned else None

    def _fit(self, value: str, path: str, limit: int | None = None) -> str | None:
        limit = limit or LIMITS.get(path, TEXT_LIMIT)
        if len(value) > limit:
            self.fail(path, f"at most {limit} characters (got {len(value)})")
            return None
        return value

    def amount(self, value: Any, path: str) -> str | None:
        """Money as plain decimal text ("1250.5"): finite, not negative, below MAX_AMOUNT."""
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            self.fail(path, "a decimal amount such as 1250.00")
            return None
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(path, "a decimal amount such as 1250.00")
            return None
        if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
            self.fail(path, f"an amount from 0 to below {MAX_AMOUNT:f}")
            return None
        if amount != amount.quantize(Decimal(1).scaleb(-AMOUNT_PLACES)):
            self.fail(path, f"at most {AMOUNT_PLACES} decimal places")
            return None
        return format(amount, "f")

    def count(self, value: Any, path: str, low: int, high: int = MAX_QUANTITY) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.fail(path, f"a whole number from {low} to {high}")
            return None
        return value

    def day(self, value: Any, path: str) -> date | None:
        if value is None:
            return None
        if not isinstance(value, date) or not YEARS[0] <= value.year <= YEARS[1]:
            self.fail(path, f"a date in the years {YEARS[0]}-{YEARS[1]}")
            return None
        return value

    def json_obj(self, value: Any, path: str) -> dict[str, Any] | None:
        """A small JSON object whose strings are cleaned like free text."""
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(path, "an object")
            return None
        cleaned = _clean_json(value)
        if len(json.dumps(cleaned, default=str)) > MAX_JSON:
            self.fail(path, f"at most {MAX_JSON} characters of JSON")
            return None
        return cleaned


def _clean_json(value: Any, depth: int = 0) -> Any:
    if depth > 8:
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_json(v, depth + 1) for v in value]
    return value


def check_event(event: Any) -> dict[str, Any]:
    """The normalised fields of an `OrderEventIn`, or InvalidEvent listing every bad one."""
    c = _Check()
    out: dict[str, Any] = {
        "event_key": c.ident(event.event_key, "event_key", required=True),
        "source": c.ident(event.source, "source", required=True),
        "order_id": c.ident(event.order_id, "order_id", required=True),
        "occurred_at": _instant(c, event.occurred_at),
        "placed_at": None if event.placed_at is None else _instant(c, event.placed_at, "placed_at"),
        "number": c.ident(event.number, "number"),
        "total": c.amount(event.total, "total"),
        "shipping_total": c.amount(event.shipping_total, "shipping_total"),
        "refund_amount": c.amount(event.refund_amount, "refund_amount"),
        "currency": _currency(c, event.currency),
        "locale": _locale(c, event.locale, "locale"),
        "estimated_delivery": c.day(event.estimated_delivery, "estimated_delivery"),
        "reason": c.text(event.reason, "reason"),
        "items": _items(c, event.items),
        "customer": _customer(c, event.customer),
        "shipment": _shipment(c, event.shipment),
    }
    if not isinstance(event.extra, dict):
        c.fail("extra", "an object")
    if c.errors:
        key = event.event_key if isinstance(event.event_key, str | int) else ""
        order = event.order_id if isinstance(event.order_id, str | int) else ""
        raise InvalidEvent(c.errors, clean_text(str(key))[:200], clean_text(str(order))[:100])
    return out


def _instant(c: _Check, value: Any, path: str = "occurred_at") -> datetime | None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        c.fail(path, "an aware date-time (with a time zone)")
        return None
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or utc.year < YEARS[0]:
        c.fail(path, f"a date-time from the year {YEARS[0]} on")
        return None
    return value


def _currency(c: _Check, value: Any) -> str | None:
    if value is None or value == "":
        return None
    code = value.strip().upper() if isinstance(value, str) else None
    if code is None or not _CURRENCY.match(code):
        c.fail("currency", "an ISO 4217 code such as UAH or EUR")
        return None
    return code


def _locale(c: _Check, value: Any, path: str) -> str | None:
    tag = c.ident(value, path)
    if tag is not None and not _LOCALE.match(tag):
        c.fail(path, "a language tag such as uk, en-GB or ru_RU")
        return None
    return tag


def _items(c: _Check, value: Any) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        c.fail("items", f"a list of at most {MAX_ITEMS} objects")
        return None
    items = []
    for i, item in enumerate(value):
        p = f"items[{i}]"
        line = c.json_obj(item, p)
        if line is None:
            continue
        line["name"] = c.text(item.get("name"), f"{p}.name", 500)
        line["quantity"] = c.count(item.get("quantity", 1), f"{p}.quantity", 1)
        line["price"] = c.amount(item.get("price"), f"{p}.price")
        line["sku"] = c.ident(item.get("sku"), f"{p}.sku")
        items.append(line)
    return items


def _customer(c: _Check, value: Any) -> Any:
    if value is None:
        return None
    p = "customer."
    timezone = c.ident(value.timezone, p + "timezone")
    if timezone is not None and timezone not in time_zones():
        c.fail(p + "timezone", "a zone of the tz database such as Europe/Kyiv")
        timezone = None
    return replace(
        value,
        name=c.text(value.name, p + "name", LIMITS[p + "name"]),
        email=c.ident(value.email, p + "email"),
        phone=c.text(value.phone, p + "phone", LIMITS[p + "phone"]),
        locale=_locale(c, value.locale, p + "locale"),
        timezone=timezone,
        external_id=c.ident(value.external_id, p + "external_id"),
    )


def _shipment(c: _Check, value: Any) -> Any:
    if value is None:
        return None
    p = "shipment."
    url = c.ident(value.tracking_url, p + "tracking_url")
    if url is not None and (len(url) > URL_LIMIT or not url.startswith(("https://", "http://"))):
        c.fail(p + "tracking_url", f"an http(s) URL of at most {URL_LIMIT} characters")
        url = None
    return replace(
        value,
        id=c.ident(value.id, p + "id", required=True) or "default",
        carrier=c.text(value.carrier, p + "carrier", LIMITS[p + "carrier"]),
        tracking_number=c.ident(value.tracking_number, p + "tracking_number"),
        tracking_url=url,
        estimated_delivery=c.day(value.estimated_delivery, p + "estimated_delivery"),
        pickup_point=c.json_obj(value.pickup_point, p + "pickup_point"),
        items_count=c.count(value.items_count, p + "items_count", 0),
        delivery_window=c.json_obj(value.delivery_window, p + "delivery_window"),
    )
