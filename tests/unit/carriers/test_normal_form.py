"""`numbers.clean`, the one normal form, and detection reading numbers through it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.carriers import numbers
from core.carriers.detect import by_number, detect, likeliest
from core.plugins import CARRIERS, load_plugins

SEPARATORS = [" ", "-", ".", "/", "_", "\t", "\u00a0", "\u2013", "\u2014", "\u2011", "\u2212"]
letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
serials = st.text(alphabet="0123456789", min_size=8, max_size=8)


def carriers():
    return {n: c for n, c in load_plugins(CARRIERS).loaded.items() if isinstance(c, type)}


@st.composite
def spaced(draw, number: str | st.SearchStrategy[str]):
    """`number` with separators put between its characters and its case shuffled."""
    value = draw(number) if isinstance(number, st.SearchStrategy) else number
    out = []
    for ch in value:
        if draw(st.booleans()):
            out.append(draw(st.sampled_from(SEPARATORS)) * draw(st.integers(1, 2)))
        out.append(ch.lower() if draw(st.booleans()) else ch)
    return "".join(out)


def s10(prefix: str, serial: str, country: str) -> str:
    return f"{prefix}{serial}{numbers.s10_check_digit(serial)}{country}"


@given(st.text(max_size=60))
def test_clean_is_idempotent_and_leaves_no_separator(text):
    once = numbers.clean(text)
    assert numbers.clean(once) == once
    assert not any(sep in once for sep in SEPARATORS)


@given(letters, serials, letters, st.data())
def test_an_s10_number_however_spaced_is_the_same_number(prefix, serial, country, data):
    number = s10(prefix, serial, country)
    typed = data.draw(spaced(number))
    assert numbers.clean(typed) == number
    assert numbers.s10_country(typed) == country
    assert by_number(typed, carriers(), "UA") == by_number(number, carriers(), "UA")


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=15, max_size=15), st.data()
)
def test_a_ups_number_with_dashes_is_detected_as_ups(body, data):
    number = f"1Z{body}{numbers.ups_check_digit(body)}"
    typed = data.draw(spaced(number))
    found = detect(None, typed, carriers(), "US", {"ups"})
    assert (found.carrier, found.how) == ("ups", "number")


def test_full_width_digits_and_letters_are_read_as_ascii():
    assert numbers.clean("ＲＲ１２３４５６７８５ＵＡ") == "RR123456785UA"
    assert numbers.is_s10("ＲＲ １２３ ４５６ ７８５ ＵＡ")


def test_a_nova_poshta_waybill_with_spaces_is_nova_poshtas():
    assert by_number("2045 0059 8007 67", carriers(), "UA")[0] == "novaposhta"


# --- ambiguous numbers: the shop's connected carriers and country first -----------------


def test_an_ambiguous_number_goes_to_the_shops_connected_carrier_first():
    every = carriers()
    twelve = "123456789012"  # FedEx (0.4) and GLS (0.3) both claim 12 digits
    assert by_number(twelve, every)[:2] == ["fedex", "gls"]
    assert by_number(twelve, every, connected={"gls"})[:2] == ["gls", "fedex"]
    found = detect(None, twelve, every, "DE", {"gls", "fedex"})
    assert (found.carrier, found.others[:1]) == ("fedex", ("gls",))
    assert detect(None, twelve, every, "DE", {"gls"}).carrier == "gls"


def test_the_shops_country_makes_its_own_carriers_likelier():
    every = carriers()
    waybill = "0190501234567"  # 13 digits: Ukrposhta's domestic barcodes (0.6), no one else's
    assert by_number(waybill, every, "UA")[0] == "ukrposhta"
    sixteen = "1371134583769923"  # Canada Post 16 digits (0.4); a CA shop sees it first
    assert by_number(sixteen, every, "CA")[0] == "canadapost"


def test_the_phone_shown_comes_from_the_named_carrier_or_the_likeliest_connected_one():
    every = carriers()
    assert likeliest("Canada Post", "anything", every) == "canadapost"
    twelve = "123456789012"
    assert likeliest(None, twelve, every, "US") == "fedex"
    assert likeliest(None, twelve, every, "DE", {"gls"}) == "gls"
    assert likeliest("17TRACK", "XK2209126607", every, None, {"seventeentrack"}) is None
