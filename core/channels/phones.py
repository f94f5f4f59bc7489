"""Phone numbers: parsed with Google's libphonenumber rules, sent in E.164.

Shops type numbers as their customers gave them ("067 123 45 67", "+38 (067) ...");
SMS and WhatsApp providers want "+380671234567". The store's country (shop setting
`country`, e.g. "UA") is the default region for numbers written without a country code.
"""

from __future__ import annotations

import phonenumbers


def to_e164(raw: str | None, region: str | None = None) -> str | None:
    """`raw` as an E.164 number ("+380671234567"), or None when it is not a valid number."""
    if not raw or not raw.strip():
        return None
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def e164_in(typed: str | None, region: str | None = None) -> str | None:
    """The first valid number in what a shopper typed ("+380 (50) 123-45-67, after 18:00")."""
    exact = to_e164(typed, region)
    if exact or not typed:
        return exact
    for match in phonenumbers.PhoneNumberMatcher(typed, (region or "").upper() or "ZZ"):
        if phonenumbers.is_valid_number(match.number):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def region_of(country: str | None) -> str | None:
    """The store's country code from its `country` setting ("UA"), if it set a valid one."""
    return str(country).upper() if isinstance(country, str) and len(country) == 2 else None
