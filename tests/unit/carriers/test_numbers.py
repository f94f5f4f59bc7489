"""Tracking number formats: check digits, recognisers, and that nothing ever raises."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.carriers import numbers
from core.carriers.karrio_bridge import (
    AustraliaPostCarrier,
    CanadaPostCarrier,
    DhlExpressCarrier,
    DhlUniversalCarrier,
    DpdCarrier,
    FedexCarrier,
    GlsCarrier,
    UpsCarrier,
    UspsCarrier,
)
from core.carriers.meest import MeestCarrier
from core.carriers.seventeentrack import SeventeenTrackCarrier
from core.carriers.ukrposhta import UkrposhtaCarrier

CARRIERS = [
    UkrposhtaCarrier,
    MeestCarrier,
    SeventeenTrackCarrier,
    DhlExpressCarrier,
    DhlUniversalCarrier,
    UpsCarrier,
    FedexCarrier,
    UspsCarrier,
    DpdCarrier,
    GlsCarrier,
    CanadaPostCarrier,
    AustraliaPostCarrier,
]

letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
serials = st.text(alphabet="0123456789", min_size=8, max_size=8)


def s10(prefix: str, serial: str, country: str) -> str:
    return f"{prefix}{serial}{numbers.s10_check_digit(serial)}{country}"


def test_the_upu_s10_check_digit_follows_the_standard_weights():
    # 8,6,4,2,3,5,9,7 over 12345678 = 148; 11 - 148 % 11 = 5
    assert numbers.s10_check_digit("12345678") == 5
    assert numbers.is_s10("RR123456785UA")
    assert not numbers.is_s10("RR123456784UA")
    assert numbers.s10_country("rr 123 456 785 ua") == "UA"  # as people type it


def test_s10_check_digits_of_10_and_11_become_0_and_5():
    assert numbers.s10_check_digit("00000000") == 5  # sum 0: 11 - 0 = 11 → 5
    assert numbers.s10_check_digit("00000001") == 4  # sum 7: 11 - 7
    assert numbers.s10_check_digit("00000008") == 0  # sum 56 = 5*11 + 1: 11 - 1 = 10 → 0


@given(letters, serials, letters)
def test_every_s10_number_with_its_check_digit_is_recognised(prefix, serial, country):
    number = s10(prefix, serial, country)
    assert numbers.s10_country(number) == country
    if country == "UA":
        assert UkrposhtaCarrier.recognise(number) == 1.0
    else:
        assert 0 < UkrposhtaCarrier.recognise(number) < 1.0


@given(letters, serials, st.integers(1, 9), letters)
def test_an_s10_number_with_a_wrong_check_digit_is_not(prefix, serial, shift, country):
    wrong = (numbers.s10_check_digit(serial) + shift) % 10
    number = f"{prefix}{serial}{wrong}{country}"
    # 0 and 5 both stand for two sums: only a digit that no sum gives is surely wrong
    assert not numbers.is_s10(number) or wrong == numbers.s10_check_digit(serial)


@given(st.text(max_size=40))
def test_random_strings_are_not_s10_numbers_and_recognise_never_raises(text):
    if not numbers.is_s10(text):
        assert numbers.s10_country(text) is None
    for carrier in CARRIERS:
        score = carrier.recognise(text)
        assert 0.0 <= score <= 1.0


@given(st.one_of(st.none(), st.integers(), st.binary(), st.text()))
def test_recognise_takes_anything_without_raising(value):
    for carrier in CARRIERS:
        assert 0.0 <= carrier.recognise(value) <= 1.0  # type: ignore[arg-type]


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=15, max_size=15))
def test_ups_numbers_with_their_check_digit_are_recognised_and_others_not(body):
    good = f"1Z{body}{numbers.ups_check_digit(body)}"
    assert UpsCarrier.recognise(good) == 1.0
    bad = f"1Z{body}{(numbers.ups_check_digit(body) + 1) % 10}"
    assert UpsCarrier.recognise(bad) == 0.0


@pytest.mark.parametrize("number", ["1Z999AA10123456784", "1Z12345E6605272234"])
def test_published_ups_numbers_pass(number):
    assert numbers.is_ups(number)


@given(st.text(alphabet="0123456789", min_size=19, max_size=21))
def test_usps_impb_needs_its_mod10_check_digit(body):
    good = body + str(numbers.mod10_check_digit(body))
    assert numbers.is_usps_impb(good)
    assert UspsCarrier.recognise(good) > 0.5
    bad = body + str((numbers.mod10_check_digit(body) + 3) % 10)
    assert not numbers.is_usps_impb(bad)


@given(st.integers(0, 999_999_999))
def test_dhl_express_waybills_carry_the_first_nine_digits_mod_7(first_nine):
    good = f"{first_nine:09d}{first_nine % 7}"
    assert DhlExpressCarrier.recognise(good) == 0.8
    assert DhlExpressCarrier.recognise(f"{first_nine:09d}{(first_nine % 7 + 1) % 7}") == 0.0


def test_fedex_numbers_are_only_a_hint_by_length():
    assert FedexCarrier.recognise("123456789012") == 0.4
    assert FedexCarrier.recognise("123456789012345") == 0.4
    assert FedexCarrier.recognise("1234567890123") == 0.0


def test_each_post_recognises_its_own_country_s10_mail():
    assert UspsCarrier.recognise(s10("EA", "12345678", "US")) == 0.9
    assert CanadaPostCarrier.recognise(s10("RR", "12345678", "CA")) == 0.9
    assert AustraliaPostCarrier.recognise(s10("RR", "12345678", "AU")) == 0.9
    assert DhlUniversalCarrier.recognise(s10("RR", "12345678", "DE")) == 0.6
    assert CanadaPostCarrier.recognise(s10("RR", "12345678", "AU")) == 0.0


def test_dpd_numbers_start_with_0_so_nova_poshtas_14_digits_are_not_dpds():
    assert DpdCarrier.recognise("01905012345678") == 0.4
    assert DpdCarrier.recognise("01905012345678A") == 0.4
    assert DpdCarrier.recognise("20450059800767") == 0.0
    assert DpdCarrier.recognise("59000123456789") == 0.0


def test_ukrposhta_domestic_barcodes_are_13_digits():
    assert UkrposhtaCarrier.recognise("0500000000001") == 0.6
    assert UkrposhtaCarrier.recognise("20450059800767") == 0.0  # Nova Poshta's 14 digits


def test_the_aggregator_claims_no_number_and_meest_only_hints():
    assert SeventeenTrackCarrier.recognise("YT2209121266075563") == 0.0
    assert SeventeenTrackCarrier.plausible("YT2209121266075563")
    assert not SeventeenTrackCarrier.plausible("ABC-42")
    assert "any_carrier" in SeventeenTrackCarrier.metadata.capabilities
    assert MeestCarrier.recognise("MYCV123456789") == 0.3
    assert MeestCarrier.recognise(s10("RR", "12345678", "UA")) == 0.0
    assert MeestCarrier.recognise("59000123456789") == 0.0  # digits: Nova Poshta's and others'
    assert MeestCarrier.recognise("AB12345678") == 0.0


@pytest.mark.parametrize("carrier", CARRIERS)
def test_every_carrier_gives_a_tracking_link_with_the_number(carrier):
    link = carrier.tracking_link("RR123456785UA", "uk")
    assert link is not None and link.startswith("https://") and "RR123456785UA" in link
