"""How each karrio carrier's tracking numbers look: pure scores, built on core/carriers/numbers.py.

A valid check digit makes a number near-certain; a length alone is only a hint, so
detection ranks such carriers after the shop's connected ones and its country's.
"""

from __future__ import annotations

from core.carriers import numbers


def dhl_express_number(number: str) -> float:
    """10-digit waybills with DHL's mod-7 check digit."""
    return 0.8 if numbers.is_dhl_express(number) else 0.0


def dhl_number(number: str) -> float:
    """JJD parcel numbers, German S10 mail, and (less surely) Express waybills."""
    value = numbers.clean(number)
    if value.startswith("JJD") and value[3:].isdigit() and len(value) >= 13:
        return 0.9
    if numbers.s10_country(value) == "DE":
        return 0.6
    return 0.5 if numbers.is_dhl_express(value) else 0.0


def ups_number(number: str) -> float:
    """`1Z` numbers whose check digit is right."""
    return 1.0 if numbers.is_ups(number) else 0.0


def fedex_number(number: str) -> float:
    """12- and 15-digit numbers (no public check digit): a hint only."""
    return 0.4 if numbers.is_digits(number, 12, 15) else 0.0


def usps_number(number: str) -> float:
    """IMpb barcodes with a right mod-10 check digit, and US S10 mail."""
    if numbers.is_usps_impb(number):
        return 0.9 if numbers.clean(number).startswith("9") else 0.6
    return 0.9 if numbers.s10_country(number) == "US" else 0.0


def dpd_number(number: str) -> float:
    """14-digit parcel numbers starting with 0 (a 15th check character may follow)."""
    value = numbers.clean(number)
    if numbers.is_digits(value[:14], 14) and len(value) <= 15 and value.startswith("0"):
        return 0.4 if len(value) == 14 or value[14].isalnum() else 0.0
    return 0.0


def gls_number(number: str) -> float:
    """11- and 12-digit parcel numbers: a hint only."""
    return 0.3 if numbers.is_digits(number, 11, 12) else 0.0


def canadapost_number(number: str) -> float:
    """Canadian S10 mail, and 16-digit domestic parcel numbers (a hint)."""
    if numbers.s10_country(number) == "CA":
        return 0.9
    return 0.4 if numbers.is_digits(number, 16) else 0.0


def australiapost_number(number: str) -> float:
    """Australian S10 mail."""
    return 0.9 if numbers.s10_country(number) == "AU" else 0.0
