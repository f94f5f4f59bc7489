"""SMS segment counting: GSM-7 vs UCS-2, extension characters, segment boundaries."""

import pytest

from core.domain.sms import SmsInfo, count_segments


def test_empty_text_is_no_segment():
    assert count_segments("") == SmsInfo("GSM-7", 0, 0, 160)


@pytest.mark.parametrize(
    ("length", "segments", "per_segment"),
    [(1, 1, 160), (160, 1, 160), (161, 2, 153), (306, 2, 153), (307, 3, 153)],
)
def test_gsm7_boundaries(length, segments, per_segment):
    info = count_segments("a" * length)
    assert (info.encoding, info.characters, info.segments, info.per_segment) == (
        "GSM-7",
        length,
        segments,
        per_segment,
    )


@pytest.mark.parametrize(
    ("length", "segments", "per_segment"),
    [(70, 1, 70), (71, 2, 67), (134, 2, 67), (135, 3, 67)],
)
def test_cyrillic_is_ucs2(length, segments, per_segment):
    info = count_segments("ж" * length)
    assert (info.encoding, info.characters, info.segments, info.per_segment) == (
        "UCS-2",
        length,
        segments,
        per_segment,
    )


def test_latin_sentence_with_gsm_accents_stays_gsm7():
    assert count_segments("Café Ñandù: £5 @ 10:00 - ok?").encoding == "GSM-7"
    assert count_segments("Café Ñandú").encoding == "UCS-2"  # ú is not in GSM 03.38


def test_extension_characters_count_two_septets():
    info = count_segments("€[]{}~^|\\")
    assert info == SmsInfo("GSM-7", 18, 1, 160)


def test_extension_characters_push_over_the_boundary():
    assert count_segments("a" * 159 + "€").segments == 2
    assert count_segments("a" * 158 + "€").segments == 1


def test_extension_pair_is_not_split_across_segments():
    # 152 septets then an escape pair: it moves whole into the second segment
    info = count_segments("a" * 152 + "€" + "a" * 10)
    assert (info.characters, info.segments) == (164, 2)
    assert count_segments("a" * 152 + "€" * 77).segments == 3  # 152 | 1 + 76 pairs | 1 pair


def test_emoji_counts_two_code_units():
    assert count_segments("👍") == SmsInfo("UCS-2", 2, 1, 70)
    assert count_segments("a" * 68 + "👍").segments == 1
    assert count_segments("a" * 69 + "👍").segments == 2


def test_one_non_gsm_character_switches_everything_to_ucs2():
    info = count_segments("Your order has shipped " + "x" * 60 + " ✓")
    assert info.encoding == "UCS-2" and info.segments == 2


def test_ukrainian_letters_are_ucs2():
    assert count_segments("Ґудзик і їжак").encoding == "UCS-2"
