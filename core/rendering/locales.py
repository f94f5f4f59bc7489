"""Locales we ship templates for, and formatting of money, dates and counts in them."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import shevchenko
from babel.dates import format_date, format_interval
from babel.numbers import format_currency, format_decimal

from core.i18n import ngettext

SUPPORTED_LOCALES = ("en", "ru", "uk")
DEFAULT_LOCALE = "en"

# Codes people send that are not the ISO 639-1 language code we file templates under.
_ALIASES = {"ua": "uk", "ukr": "uk", "rus": "ru", "eng": "en"}


def normalize_locale(value: str | None) -> str | None:
    """'uk-UA', 'uk_UA', 'ua' → 'uk'; 'ru-RU' → 'ru'; 'en-GB' → 'en'; anything else → None."""
    if not value or not isinstance(value, str):
        return None
    language = re.split(r"[-_.@\s]", value.strip().lower(), maxsplit=1)[0]
    language = _ALIASES.get(language, language)
    return language if language in SUPPORTED_LOCALES else None


def sentence(text: str) -> str:
    """`text` ending in one stop: '.' added unless it ends in . ! ? … (e.g. '2026 г.')."""
    text = text.rstrip()
    return text if not text or text.endswith((".", "!", "?", "…")) else f"{text}."


def format_money(amount: Any, currency: str | None, locale: str) -> str | None:
    """`amount` in `currency` as the shopper's locale writes it, e.g. '1 250,00 ₴'."""
    if amount is None or amount == "":
        return None
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if not currency:
        return format_decimal(value, format="#,##0.00", locale=locale)
    shown = format_currency(value, currency.upper(), locale=locale)
    # CLDR's currency spacing, which Babel leaves out: a letter code that touches the digits
    # ("UAH1,150.00" in English) gets a no-break space, "UAH 1,150.00"
    return re.sub(r"^([A-Za-z]{2,})(?=[\d-])", "\\1\u00a0", shown)


def format_day(value: Any, locale: str) -> str | None:
    """A date (or aware datetime, or ISO string) as a long local date: '12 березня 2025 р.'."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return str(value)
    return format_date(value, format="long", locale=locale)


def format_day_range(earliest: Any, latest: Any, locale: str) -> str | None:
    """A delivery range as Babel writes it: 'Thu, Dec 3 – Fri, Dec 4', «чт, 3 — пт, 4 груд.»;
    one long date when the range is a single day or has no start."""
    first, last = _as_day(earliest), _as_day(latest)
    if last is None:
        return format_day(earliest, locale)
    if first is None or first >= last:
        return format_day(last, locale)
    return format_interval(first, last, skeleton="MMMEd", locale=locale)


def _as_day(value: Any) -> date | None:
    if isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def shipment_progress(shipped: int | None, total: int | None, locale: str) -> str:
    """'2 of 3 items shipped' in the locale, or '' when the order is not partly shipped."""
    if not shipped or not total or shipped >= total or shipped < 0:
        return ""
    # the noun is governed by the total: "з 5 товарів", "из 21 товара"
    return ngettext(
        "{shipped} of {total} item shipped",
        "{shipped} of {total} items shipped",
        total,
        locale,
        shipped=shipped,
        total=total,
    )


def delivery_progress(delivered: int | None, total: int | None, locale: str) -> str:
    """'1 of 2 parcels delivered' in the locale, or '' unless the order has several parcels."""
    if not total or total < 2 or delivered is None or delivered < 0:
        return ""
    return ngettext(
        "{delivered} of {total} parcel delivered",
        "{delivered} of {total} parcels delivered",
        total,
        locale,
        delivered=delivered,
        total=total,
    )


_UKRAINIAN_NAME = re.compile(r"[А-ЩЬЮЯҐЄІЇа-щьюяґєії'’ʼ-]+")


def vocative(name: str | None, locale: str) -> str | None:
    """A Ukrainian first name in the vocative for a greeting (Тарас → Тарасе); else unchanged.

    Declension and gender come from `shevchenko` (a port of shevchenko-js); a name whose
    gender it cannot tell, or that is not written in Ukrainian letters, stays nominative.
    """
    if not name or locale != "uk" or not _UKRAINIAN_NAME.fullmatch(name):
        return name
    gender = shevchenko.detect_gender({"givenName": name})["gender"]
    if gender is None:
        return name
    try:
        declined = shevchenko.in_vocative({"givenName": name, "gender": gender.value})
    except shevchenko.InputValidationError:
        return name
    return declined.get("givenName") or name
