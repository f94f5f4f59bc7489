"""Locale normalisation, Babel money and dates, plural-aware progress, labels."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.domain.statuses import Status
from core.rendering import (
    SUPPORTED_LOCALES,
    format_day,
    format_money,
    normalize_locale,
    shipment_progress,
    status_description,
    status_label,
    ui_text,
)
from core.rendering.locales import sentence, vocative


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("uk-UA", "uk"),
        ("uk_UA", "uk"),
        ("ua", "uk"),
        ("UK", "uk"),
        ("ru-RU", "ru"),
        ("ru", "ru"),
        ("en-GB", "en"),
        ("en", "en"),
        ("en_US.UTF-8", "en"),
        ("de-DE", None),
        ("", None),
        (None, None),
        ("  ", None),
    ],
)
def test_normalize_locale(value, expected):
    assert normalize_locale(value) == expected


def test_money_in_ukrainian_uses_no_break_space_and_hryvnia_sign():
    text = format_money("1250.00", "UAH", "uk")
    assert "1\u00a0250,00" in text
    assert "₴" in text or "грн" in text


def test_money_accepts_decimal_and_formats_english():
    assert format_money(Decimal("1250"), "EUR", "en") == "€1,250.00"
    assert format_money("1250.00", "UAH", "ru") == "1\u00a0250,00\u00a0₴"
    assert format_money(None, "EUR", "en") is None


def test_dates_long_and_local():
    assert format_day(date(2025, 3, 12), "uk") == "12 березня 2025\u202fр."  # narrow NBSP
    assert format_day(date(2025, 3, 12), "ru").startswith("12 марта 2025")
    assert format_day(datetime(2025, 3, 12, 9, tzinfo=UTC), "en") == "March 12, 2025"
    assert format_day("2025-03-12", "en") == "March 12, 2025"
    assert format_day(None, "en") is None


@pytest.mark.parametrize(
    ("shipped", "total", "locale", "expected"),
    [
        (2, 3, "en", "2 of 3 items shipped"),
        (2, 3, "ru", "Отправлено 2 из 3 товаров"),
        (1, 21, "ru", "Отправлено 1 из 21 товара"),
        (5, 22, "ru", "Отправлено 5 из 22 товаров"),
        (2, 3, "uk", "Відправлено 2 з 3 товарів"),
        (3, 21, "uk", "Відправлено 3 з 21 товару"),
        (3, 3, "en", ""),
        (0, 3, "en", ""),
        (None, None, "uk", ""),
    ],
)
def test_shipment_progress_plurals(shipped, total, locale, expected):
    assert shipment_progress(shipped, total, locale) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Олена", "Олено"),
        ("Марія", "Маріє"),
        ("Оля", "Олю"),
        ("Андрій", "Андрію"),
        ("Петро", "Петре"),
        ("Марко", "Марку"),
        ("Ілля", "Ілле"),
        ("Іван", "Іване"),
        ("Olena", "Olena"),
        (None, None),
    ],
)
def test_ukrainian_vocative_in_greetings(name, expected):
    assert vocative(name, "uk") == expected


def test_vocative_leaves_other_locales_alone():
    assert vocative("Ольга", "ru") == "Ольга"


def test_labels_and_descriptions_for_every_status_and_locale():
    for locale in SUPPORTED_LOCALES:
        labels = {status_label(s, locale) for s in Status}
        assert len(labels) == len(Status)
        assert all(status_description(s, locale).endswith(".") for s in Status)
    assert status_label(Status.OUT_FOR_DELIVERY, "en") == "Out for delivery"
    assert status_label("out_for_delivery", "uk-UA") == "Передано кур'єру"
    assert status_label(Status.OUT_FOR_DELIVERY, "ru") == "Передан курьеру"
    assert status_label(Status.SHIPPED, "de") == "Shipped"  # unsupported → English


def test_ui_text_fills_values():
    footer = ui_text("footer", "en", store="Demo")
    assert footer == "You receive this because you ordered from Demo."
    assert ui_text("track_order", "uk") == "Відстежити замовлення"


@pytest.mark.parametrize(
    ("delivered", "total", "locale", "expected"),
    [
        (1, 2, "en", "1 of 2 parcels delivered"),
        (1, 2, "uk", "Доставлено 1 з 2 посилок"),
        (3, 21, "uk", "Доставлено 3 з 21 посилки"),
        (1, 2, "ru", "Доставлено 1 из 2 посылок"),
        (2, 21, "ru", "Доставлено 2 из 21 посылки"),
        (1, 1, "uk", ""),  # one parcel: nothing to count
        (None, 2, "en", ""),
    ],
)
def test_delivery_progress_counts_parcels_with_plurals(delivered, total, locale, expected):
    from core.rendering.locales import delivery_progress

    assert delivery_progress(delivered, total, locale) == expected


def test_a_sentence_ends_in_one_stop_even_after_an_abbreviated_year():
    assert sentence("Ожидаемая дата: " + format_day(date(2026, 12, 5), "ru")).endswith("г.")
    assert not sentence("Орієнтовна дата: 5 грудня 2026\u202fр.").endswith("..")
    assert sentence("Estimated delivery: 5 December 2026") == "Estimated delivery: 5 December 2026."
    assert sentence("Where is it?") == "Where is it?" and sentence("") == ""


def test_a_currency_code_never_touches_the_digits():
    # CLDR's currency spacing: English writes UAH 1,150.00, not UAH1,150.00
    from core.rendering.locales import format_money

    assert format_money("1150", "UAH", "en") == "UAH\xa01,150.00"
    assert format_money("5", "CHF", "en") == "CHF\xa05.00"
    assert format_money("68.9", "EUR", "en") == "€68.90"  # a symbol stays close
    assert format_money("1150", "UAH", "uk") == "1\xa0150,00\xa0₴"
