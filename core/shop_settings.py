"""A shop's settings as one frozen, typed value: parsed leniently once, validated strictly on write.

The stored form stays the JSON document of `shops.settings` (docs/configuration.md). Reading
never fails: a stored value that does not fit its field falls back to the field's default and
is logged once. Writing refuses such a value with an `InvalidSettings` naming the field.
Keys nobody declared here (a plug-in's own section, a newer version's) are kept as they are.
"""

from __future__ import annotations

import copy
import json
import logging
import weakref
from collections.abc import Mapping
from datetime import time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from core.domain.intake import time_zones
from core.errors import InvalidSettings
from core.rendering.locales import normalize_locale

log = logging.getLogger(__name__)

DEFAULT_QUIET_HOURS = ("21:00", "08:00")
DEFAULT_DEBOUNCE_SECONDS = 120
DEFAULT_CONTACT_RATE = 0.25
DEFAULT_SMS_WARN_AT = 0.8


def _clock(value: str) -> str:
    try:
        time.fromisoformat(value)
    except ValueError:
        raise ValueError("a time like 21:00") from None
    return value


def _http_url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError("an address starting with https://")
    return value


def _email(value: str) -> str:
    if "@" not in value:
        raise ValueError("an email address")
    return value


def _zone(value: str) -> str:
    if value not in time_zones():
        raise ValueError("a time zone name like Europe/Kyiv")
    return value


def _locale(value: str) -> str:
    if normalize_locale(value) is None:
        raise ValueError("one of en, ru, uk")
    return value


Clock = Annotated[str, AfterValidator(_clock)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
Email = Annotated[str, AfterValidator(_email)]
Colour = Annotated[str, Field(pattern=r"^#(?:[0-9a-fA-F]{3}){1,2}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$")]
Share = Annotated[float, Field(ge=0, le=1)]
Text = str | dict[str, str]  # plain, or one per locale: {"uk": ..., "en": ...}
FaqItem = dict[str, str]  # {"q": question, "a": answer}
Faq = list[FaqItem] | dict[str, list[FaqItem]]  # one list, or one per locale


class Part(BaseModel):
    """A frozen settings section; keys it does not declare are kept as they were."""

    model_config = ConfigDict(frozen=True, extra="allow")


class Policy(Part):
    """Which statuses notify on which channels, quiet hours and the debounce window."""

    matrix: dict[str, dict[str, bool]] = Field(
        default_factory=dict,
        description="{status: {channel: on}}, laid cell by cell over the default matrix",
    )
    quiet_hours: tuple[Clock, Clock] = Field(
        default=DEFAULT_QUIET_HOURS, description="start and end; equal times turn quiet hours off"
    )
    debounce_seconds: int = Field(default=DEFAULT_DEBOUNCE_SECONDS, ge=0)


class Product(Part):
    """A promoted product: its name and link."""

    name: Text
    url: str | None = None


class Promotion(Part):
    """The tracking page's promotion block."""

    title: Text | None = None
    text: Text | None = None
    code: Text | None = None
    products: list[Product] = Field(default_factory=list)
    enabled: bool = True


class Branding(Part):
    """How messages and the tracking page look and whom shoppers may contact."""

    logo_url: HttpUrl | None = None
    brand_color: Colour | None = None
    store_url: HttpUrl | None = None
    support_email: Email | None = None
    support_phone: str | None = None
    support_url: HttpUrl | None = None
    sender_email: Email | None = None
    faq: Faq | None = None
    faq_closed: Faq | None = None
    refund_days: str | int | None = Field(default=None, description='"5–10": business days')
    promotions: Promotion | list[dict[str, Any]] | None = Field(
        default=None, description="a Promotion; a list of {text, url} lines is the old form"
    )


class ProviderConfig(Part):
    """One provider of a channel: a `wismo.channels` entry point name and its public config."""

    provider: str = Field(min_length=1)

    def config(self) -> dict[str, Any]:
        """The entry as a plain dict, `provider` included (what the channel plug-in reads)."""
        return self.model_dump(mode="json", exclude_unset=True)


class CarrierConfig(Part):
    """One carrier integration: a `wismo.carriers` slug and that carrier's own fields."""

    carrier: Slug

    def config(self) -> dict[str, Any]:
        """The entry as a plain dict, `carrier` included."""
        return self.model_dump(mode="json", exclude_unset=True)


class SmsCap(Part):
    """The monthly SMS limit in segments, and the share used that warns the merchant."""

    segments: int | None = Field(default=None, ge=0, strict=True, description="0 or unset: no cap")
    warn_at: float = Field(default=DEFAULT_SMS_WARN_AT, gt=0, le=1)


class Tracking(Part):
    """Email open pixel and tracked links (both off by default)."""

    opens: bool = False
    clicks: bool = False


class Analytics(Part):
    """The dashboard's estimate of support contacts avoided."""

    contact_rate: Share = DEFAULT_CONTACT_RATE


class ProblemReports(Part):
    """Where shoppers' problem reports are forwarded (default: branding.support_email)."""

    email: Email | None = None


class WooCommerce(Part):
    """The WooCommerce store this shop is linked with, and its status choices."""

    store_url: HttpUrl | None = None
    completed: Literal["shipped", "delivered"] | None = None
    statuses: dict[str, str] = Field(default_factory=dict)


class OpenCart(Part):
    """The OpenCart store, and the status mapping kept in Wismo."""

    store_url: HttpUrl | None = None
    status_map: dict[str, str] = Field(default_factory=dict)


class CareRule(Part):
    """One care rule's switch and its timing in hours (what the hours mean: docs)."""

    on: bool = True
    hours: float = Field(default=24, ge=0, le=24 * 60)


class CareDiscount(Part):
    """A discount code in the delayed message, from the merchant's list, once per order."""

    on: bool = False
    after_days: int = Field(default=3, ge=0, le=365, description="days late, at least")
    codes: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list)


class Care(Part):
    """Proactive care: late, stalled, waiting at a pickup point, delivery problems; a digest."""

    late: CareRule = Field(
        default_factory=lambda: CareRule(hours=12),
        description="hours after the end of the estimated day",
    )
    stalled: CareRule = Field(
        default_factory=lambda: CareRule(hours=72), description="hours with no carrier scan"
    )
    stalled_carriers: dict[str, float] = Field(
        default_factory=dict, description="{carrier slug: hours}, over stalled.hours"
    )
    stalled_tell_hours: float = Field(default=24, ge=0, le=24 * 60)
    pickup: CareRule = Field(
        default_factory=lambda: CareRule(hours=24), description="hours after arrival"
    )
    pickup_last_hours: float = Field(
        default=14, ge=0, le=24 * 14, description="before the end of the last free day"
    )
    problem: CareRule = Field(
        default_factory=lambda: CareRule(hours=1), description="hours until the next steps"
    )
    digest: bool = True
    discount: CareDiscount = Field(default_factory=CareDiscount)


Weekday = Annotated[int, Field(ge=0, le=6)]
Days = Annotated[int, Field(ge=0, le=60)]


class DeliveryPromise(Part):
    """The delivery promise: the warehouse's cut-off, processing and days, transit per carrier."""

    enabled: bool = Field(default=True, description="compute a date when the store sends none")
    cutoff: Clock = Field(default="15:00", description="orders after it ship a working day later")
    processing_days: int = Field(default=1, ge=0, le=30, description="working days to hand over")
    working_days: list[Weekday] = Field(
        default_factory=lambda: [0, 1, 2, 3, 4], min_length=1, description="Monday 0 … Sunday 6"
    )
    holidays_country: str | None = Field(
        default=None, pattern=r"^[A-Z]{2}$", description="ISO code; unset: the shop's country"
    )
    rest_on_workday_holidays: bool = Field(
        default=False, description="closed on holidays that are working days by law (UA)"
    )
    transit: dict[str, dict[str, tuple[Days, Days]]] = Field(
        default_factory=dict,
        description='{carrier or "*": {"domestic"|"international": [fewest, most] days}}',
    )
    learn: bool = Field(default=True, description="use the shop's own transit times once known")


class ShopSettings(Part):
    """Everything one shop configured; every key optional (docs/configuration.md)."""

    locale: Annotated[str, AfterValidator(_locale)] = Field(
        default="en", description="messages' language when neither event nor customer gives one"
    )
    timezone: Annotated[str, AfterValidator(_zone)] = Field(default="UTC", description="IANA name")
    country: str | None = Field(
        default=None, description="default region of phone numbers, e.g. UA"
    )
    store_url: HttpUrl | None = None
    policy: Policy = Field(default_factory=Policy)
    branding: Branding = Field(default_factory=Branding)
    channels: dict[str, list[ProviderConfig]] = Field(
        default_factory=dict, description="{channel: [providers, in order]}"
    )
    carriers: list[CarrierConfig] = Field(default_factory=list)
    failover: dict[str, list[str]] = Field(
        default_factory=dict, description="{status: [channels, in order]}"
    )
    sms_cap: SmsCap = Field(default_factory=SmsCap)
    tracking: Tracking = Field(default_factory=Tracking)
    analytics: Analytics = Field(default_factory=Analytics)
    problem_reports: ProblemReports = Field(default_factory=ProblemReports)
    templates: dict[str, str] = Field(
        default_factory=dict, description="{template name: Jinja source} over the defaults"
    )
    status_map: dict[str, str] = Field(
        default_factory=dict, description="{platform status: canonical status or ''}"
    )
    woocommerce: WooCommerce = Field(default_factory=WooCommerce)
    opencart: OpenCart = Field(default_factory=OpenCart)
    care: Care = Field(default_factory=Care)
    promise: DeliveryPromise = Field(default_factory=DeliveryPromise)

    def providers(self, channel: str) -> list[ProviderConfig]:
        """The configured providers of a channel, in order (empty when none)."""
        return self.channels.get(channel) or []

    def extra(self, key: str) -> Any:
        """A key no section declares (a plug-in's own), as stored; None when absent."""
        return (self.model_extra or {}).get(key)

    def platform(self, name: str) -> Mapping[str, Any]:
        """The section named after a platform (`woocommerce`, a plug-in's), as a plain dict."""
        section = getattr(self, name, None) if name in type(self).model_fields else None
        if isinstance(section, Part):
            return section.model_dump(mode="json", exclude_unset=True)
        value = self.extra(name)
        return value if isinstance(value, Mapping) else {}

    def stored(self) -> dict[str, Any]:
        """The document as it would be stored: given keys only, bad values already dropped."""
        return self.model_dump(mode="json", exclude_unset=True)


# --- reading: lenient, once per row --------------------------------------------------------

_cache: weakref.WeakKeyDictionary[Any, tuple[Any, ShopSettings]] = weakref.WeakKeyDictionary()
_warned: set[tuple[str, str]] = set()


def parse_settings(raw: Any, *, owner: str = "?") -> ShopSettings:
    """The typed settings of a stored document; a bad value falls back to its default."""
    data: Any = copy.deepcopy(dict(raw)) if isinstance(raw, Mapping) else {}
    for _ in range(200):
        try:
            return ShopSettings.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = _field(err["loc"])
            if (owner, where) not in _warned and len(_warned) < 10_000:
                _warned.add((owner, where))
                log.warning("shop %s: stored setting %s ignored: %s", owner, where, _reason(err))
            if not _drop(data, err["loc"]):
                break
    return ShopSettings()


def settings_of(shop: Any) -> ShopSettings:
    """The shop row's typed settings, parsed once per stored document."""
    raw = shop.settings
    hit = _cache.get(shop)
    if hit is not None and hit[0] is raw:
        return hit[1]
    parsed = parse_settings(raw, owner=str(getattr(shop, "key", None) or getattr(shop, "id", "?")))
    _cache[shop] = (raw, parsed)
    return parsed


def _drop(data: Any, loc: tuple[int | str, ...]) -> bool:
    """Remove the stored value that failed at `loc`; False if there is none to remove.

    A dict key goes on its own and an entry of a list of objects (one provider) on its own;
    a list of plain values (quiet hours) goes whole, as a half list means nothing.
    """
    path: list[tuple[Any, int | str]] = []
    node = data
    for step in loc:
        if isinstance(node, dict) and step in node:
            path.append((node, step))
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            path.append((node, step))
            node = node[step]
        elif not isinstance(node, dict | list):
            break
    while len(path) > 1 and isinstance(path[-1][0], list) and not isinstance(node, dict):
        path.pop()
        parent, at = path[-1]
        node = parent[at]
    if not path:
        return False
    container, key = path[-1]
    del container[key]
    return True


def _field(loc: tuple[int | str, ...]) -> str:
    """`policy.quiet_hours.0` from a validation location (union branch names left out)."""
    parts = [str(p) for p in loc if isinstance(p, int) or not any(c in p for c in "[](-")]
    return ".".join(parts) or "(settings)"


# --- writing: strict --------------------------------------------------------------------------


def validated(current: Mapping[str, Any] | None, changes: Mapping[str, Any]) -> dict[str, Any]:
    """`current` with the top-level `changes` laid over, refused if a change does not fit.

    Raises InvalidSettings naming the first bad field (`policy.debounce_seconds`); values
    already stored and left unchanged are not judged again.
    """
    merged = {**(current or {}), **changes}
    try:
        text = json.dumps(merged)
    except (TypeError, ValueError) as exc:
        raise InvalidSettings("(settings)", f"not storable as JSON ({exc})") from None
    try:
        ShopSettings.model_validate_json(text, strict=True)
    except ValidationError as exc:
        for err in exc.errors():
            if err["loc"] and err["loc"][0] in changes:
                raise InvalidSettings(_field(err["loc"]), _reason(err)) from None
    return merged


def _reason(err: Any) -> str:
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the settings document (docs/configuration.md shows it)."""
    return ShopSettings.model_json_schema(mode="validation")


SCHEMA_START = "<!-- settings-schema:start (scripts/settings-schema writes this) -->"
SCHEMA_END = "<!-- settings-schema:end -->"


def with_schema(doc: str) -> str:
    """`doc` with the JSON Schema between its settings-schema markers replaced by today's."""
    head, start, rest = doc.partition(SCHEMA_START)
    _, end, tail = rest.partition(SCHEMA_END)
    if not start or not end:
        raise ValueError("the document has no settings-schema markers")
    block = json.dumps(json_schema(), indent=2, ensure_ascii=False)
    return f"{head}{SCHEMA_START}\n```json\n{block}\n```\n{SCHEMA_END}{tail}"
