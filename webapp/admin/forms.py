"""Turning the settings forms into shop.settings values (pure: form data in, values out)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from core import registry
from core.domain.intake import time_zones
from core.domain.statuses import Status
from core.plugins import translated
from core.rendering import SUPPORTED_LOCALES
from core.shop_settings import Branding, Promotion, ShopSettings


class FormError(ValueError):
    """A value the merchant must correct; the message says how."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    secret: bool = False
    json: bool = False  # an object or list, edited as JSON text
    labels: Mapping[str, str] = field(default_factory=dict, compare=False)

    def label_in(self, locale: str | None) -> str:
        """The label in `locale`: the plug-in's own words, else Wismo's catalogue."""
        return translated(self.label, self.labels, locale)


def fields_for(provider: str) -> list[Field] | None:
    """The provider's config fields, or None when only free key=value entry fits.

    Every channel declares them in `metadata.fields` (built-in ones too); an older plug-in's
    `config_fields` still works, read by the registry as a deprecated alias.
    """
    found = registry.channel(provider)
    if found is None:
        return None
    declared = [
        Field(f.name, f.label, secret=f.secret, json=f.kind == "json", labels=f.labels)
        for f in found.metadata.fields
    ]
    return declared if declared or not found.legacy else None


def providers_for_kind(kind: str) -> list[str]:
    """Installed channel plug-ins that can carry `kind` messages."""
    return sorted(name for name in registry.channels(kind=kind) if name != "outbox")


def kinds() -> list[str]:
    """The message kinds installed channels bring (email, sms, ..., a plug-in's push)."""
    return list(registry.kinds())


def known_zone(name: str) -> bool:
    return name in time_zones()  # the tz database's names: "Europe" is a folder, not a zone


def hint(value: Any) -> str:
    """What a stored secret shows: never more than its last four characters."""
    text = str(value or "")
    return f"…{text[-4:]}" if len(text) > 8 else ("set" if text else "")


def field_value(field: Field, raw: str) -> Any:
    """A public field's value from its form text ("" means unset)."""
    raw = raw.strip()
    if not raw or not field.json:
        return raw
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise FormError(f"{field.name}: not valid JSON ({exc})") from None


def parse_pairs(text: str) -> dict[str, str]:
    """`key = value` lines into a dict (blank lines and # comments skipped)."""
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise FormError(f"line {n}: write key = value")
        out[key.strip()] = value.strip()
    return out


QUIET = ("quiet_start", "quiet_end")


def parse_general(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(top-level settings, policy changes) from the general form."""
    locale = form.get("locale", "en")
    if locale not in SUPPORTED_LOCALES:
        raise FormError(f"language must be one of {', '.join(SUPPORTED_LOCALES)}")
    zone = form.get("timezone", "UTC").strip() or "UTC"
    if not known_zone(zone):
        raise FormError(f"unknown time zone {zone!r}; use a name like Europe/Kyiv")
    quiet = ["00:00", "00:00"]  # the same start and end: no quiet hours
    if form.get("no_quiet") != "on":
        try:
            quiet = [time.fromisoformat(form.get(k, "")).strftime("%H:%M") for k in QUIET]
        except ValueError:
            raise FormError("quiet hours are times like 21:00") from None
        if quiet[0] == quiet[1]:
            raise FormError("quiet hours start and end at different times (or tick No quiet hours)")
    try:
        debounce = int(form.get("debounce_minutes", "2")) * 60
    except ValueError:
        raise FormError("the debounce window is a whole number of minutes") from None
    if not 0 <= debounce <= 24 * 3600:
        raise FormError("the debounce window is between 0 and 1440 minutes")
    return {"locale": locale, "timezone": zone}, {
        "quiet_hours": quiet,
        "debounce_seconds": debounce,
    }


def parse_matrix(form: Mapping[str, str]) -> dict[str, dict[str, bool]]:
    """The status x channel on/off grid from checkboxes named m-<status>-<channel>."""
    return {s.value: {ch: form.get(f"m-{s.value}-{ch}") == "on" for ch in kinds()} for s in Status}


_CANONICAL = {s.value for s in Status}


def parse_status_map(text: str) -> dict[str, str]:
    """`platform status = canonical status` lines; an empty right side ignores that status."""
    mapping = parse_pairs(text)
    for key, value in mapping.items():
        if value and value not in _CANONICAL:
            raise FormError(
                f"{key}: {value!r} is not a Wismo status ({', '.join(sorted(_CANONICAL))})"
            )
    return mapping


_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_URL_KEYS = ("logo_url", "support_url", "store_url")


def parse_branding(form: Mapping[str, str], current: Branding | None = None) -> dict[str, Any]:
    """Branding for messages and the tracking page; FAQ and promotions as `a | b` lines."""
    out: dict[str, Any] = {}
    for key in (
        "logo_url",
        "brand_color",
        "support_email",
        "support_phone",
        "support_url",
        "store_url",
        "sender_email",
    ):
        value = (form.get(key) or "").strip()
        if not value:
            continue
        if key in _URL_KEYS and not value.startswith(("https://", "http://")):
            raise FormError(f"{key.replace('_', ' ')} must start with https://")
        if key == "brand_color" and not _COLOR.fullmatch(value):
            raise FormError("the brand colour is a hex colour like #0f766e")
        if key in ("support_email", "sender_email") and "@" not in value:
            raise FormError(f"{key.replace('_', ' ')} must be an email address")
        out[key] = value
    out["faq"] = [
        {"q": q.strip(), "a": a.strip()}
        for q, _, a in (line.partition("|") for line in (form.get("faq") or "").splitlines())
        if q.strip() and a.strip()
    ]
    out["promotions"] = parse_promotion(form, current.promotions if current else None)
    return out


def parse_promotion(form: Mapping[str, str], current: Any = None) -> dict[str, Any]:
    """The tracking page's promotion (`branding.promotions`): title, text, code, product links.

    A text stored per language (set in the settings document) is kept while the form, which
    shows its English one, leaves it unchanged.
    """
    stored = current if isinstance(current, Promotion) else Promotion()
    products = []
    for line in (form.get("promo_products") or "").splitlines():
        name, _, url = line.partition("|")
        if not name.strip():
            continue
        url = url.strip()
        if url and not url.startswith(("https://", "http://")):
            raise FormError("a promoted product's link must start with https://")
        products.append({"name": name.strip(), "url": url or None})
    if len(products) > 6:
        raise FormError("the promotion shows up to 6 products")
    promo: dict[str, Any] = {}
    for key in ("title", "text", "code"):
        value = (form.get(f"promo_{key}") or "").strip()
        old = getattr(stored, key)
        if isinstance(old, dict) and value == _plain(old):
            promo[key] = old
        elif value:
            promo[key] = value
    if products:
        promo["products"] = products
    if promo and form.get("promo_enabled") != "on":
        promo["enabled"] = False  # kept, but hidden from the page
    return promo


def branding_text(settings: ShopSettings) -> dict[str, Any]:
    """The FAQ as the `question | answer` lines the form edits, and the promotion's fields."""
    from ..shopper_text import promotion_settings

    faq_items = settings.branding.faq if isinstance(settings.branding.faq, list) else []
    faq = "\n".join(f"{i.get('q', '')} | {i.get('a', '')}" for i in faq_items)
    promo = promotion_settings(settings)
    products = "\n".join(
        f"{_plain(p.name)}{' | ' + p.url if p.url else ''}" for p in promo.products
    )
    return {
        "faq": faq,
        "promo_title": _plain(promo.title),
        "promo_text": _plain(promo.text),
        "promo_code": _plain(promo.code),
        "promo_products": products,
        "promo_enabled": promo.enabled,
    }


def _plain(value: Any) -> str:
    """A setting the form edits as one text: per-language values show their English one."""
    if isinstance(value, dict):
        value = value.get("en") or next(iter(value.values()), "")
    return str(value or "")
