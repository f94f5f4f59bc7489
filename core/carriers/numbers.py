"""Tracking number formats and their check digits: pure functions, no I/O.

Each carrier's `recognise(number)` is built from these. A valid check digit makes a
number near-certain; a matching shape without one is only a hint, so ambiguous numbers
(a 10-digit DHL waybill is also ten digits of anything) score low and detection tries
the likelier carriers for the shop's country first. Nothing here ever raises.
"""

from __future__ import annotations

import re
import unicodedata

# What people and carriers put between a number's characters: spaces of every kind, the
# hyphen and its Unicode cousins (‐ ‑ ‒ – — ― −), dots, slashes and underscores.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212./_]")
_S10 = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")
_UPS = re.compile(r"^1Z[0-9A-Z]{16}$")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def clean(number: object) -> str:
    """The number as carriers print it: upper case, without spaces, dashes, dots or slashes.

    The one normal form of a tracking number: detection reads it, carriers are asked with
    it, and pushes and polling answers are matched to our parcels by it, so
    "rr 123-456-785 ua", "RR123456785UA" and "ＲＲ１２３…" (full-width) are one parcel.
    """
    if not isinstance(number, str):
        return ""
    upper = _SEPARATORS.sub("", unicodedata.normalize("NFKC", number)).upper()
    # upper() may decompose ("ǰ" → "J̌"): normalised again, so cleaning twice changes nothing
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", upper))


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial (11 - weighted sum mod 11; 10→0, 11→5)."""
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def s10_country(number: str) -> str | None:
    """The issuing post's country of a valid UPU S10 number (`RR123456785UA` → "UA")."""
    match = _S10.match(clean(number))
    if match is None:
        return None
    prefix, serial, check, country = match.groups()
    return country if s10_check_digit(serial) == int(check) else None


def is_s10(number: str) -> bool:
    """True for a UPU S10 number whose check digit is right."""
    return s10_country(number) is not None


def _ups_value(char: str) -> int:
    # UPS maps letters onto digits by their alphabet position, wrapping at ten.
    return int(char) if char.isdigit() else (ord(char) - ord("A") + 2) % 10


def ups_check_digit(body: str) -> int:
    """The check digit of the 15 characters after `1Z` (odd positions once, even twice)."""
    total = sum(_ups_value(c) * (2 if i % 2 else 1) for i, c in enumerate(body))
    return (10 - total % 10) % 10


def is_ups(number: str) -> bool:
    """True for a `1Z` UPS number whose check digit is right."""
    value = clean(number)
    if not _UPS.match(value) or not value[-1].isdigit():
        return False
    return ups_check_digit(value[2:17]) == int(value[-1])


def mod10_check_digit(digits: str) -> int:
    """The USPS IMpb mod-10 check digit: weights 3,1,3,… from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def is_usps_impb(number: str) -> bool:
    """True for a 20–22 digit USPS Intelligent Mail package barcode with a right check digit."""
    value = clean(number)
    if not (value.isascii() and value.isdigit() and 20 <= len(value) <= 22):
        return False
    return mod10_check_digit(value[:-1]) == int(value[-1])


def is_dhl_express(number: str) -> bool:
    """True for a 10-digit DHL Express waybill whose last digit is the first nine mod 7."""
    value = clean(number)
    if not (value.isascii() and value.isdigit() and len(value) == 10):
        return False
    return int(value[:9]) % 7 == int(value[9])


def is_digits(number: str, *lengths: int) -> bool:
    """True when the number is ASCII digits only, of one of `lengths`."""
    value = clean(number)
    return value.isascii() and value.isdigit() and len(value) in lengths
