"""The one i18n mechanism: every string extracted, present and translated in en, ru and uk."""

from __future__ import annotations

import copy

import pytest

from core.i18n import LOCALES, gettext, ngettext, pgettext, translations
from core.i18n.catalogues import extracted, load, problems
from core.rendering.locales import delivery_progress, shipment_progress


def test_every_extracted_string_is_in_each_catalogue_and_translated() -> None:
    assert problems() == []


def test_the_check_reports_a_string_missing_from_a_catalogue() -> None:
    template = extracted()
    template.add("A brand new admin label")
    assert "en: 'A brand new admin label' is missing (run scripts/i18n extract)" in problems(
        template
    )


def test_the_check_reports_an_untranslated_and_a_fuzzy_string() -> None:
    catalogs = {locale: copy.deepcopy(load(locale)) for locale in LOCALES}
    catalogs["uk"].get("Shipped", context="status").string = ""
    catalogs["ru"].get("Delivered", context="status").flags.add("fuzzy")
    found = problems(catalogs=catalogs)
    assert "uk: 'Shipped' (status) is not translated" in found
    assert "ru: 'Delivered' (status) is fuzzy" in found


def test_the_check_reports_a_placeholder_the_english_lacks() -> None:
    catalogs = {locale: copy.deepcopy(load(locale)) for locale in LOCALES}
    catalogs["ru"].get("Order {number}", context="message").string = "Заказ {nomer}"
    assert (
        "ru: 'Order {number}' (message): 'Заказ {nomer}' has a placeholder the English lacks"
        in (problems(catalogs=catalogs))
    )


@pytest.mark.parametrize(
    ("total", "uk", "ru"),
    [
        (2, "Доставлено 1 з 2 посилок", "Доставлено 1 из 2 посылок"),
        (5, "Доставлено 1 з 5 посилок", "Доставлено 1 из 5 посылок"),
        (11, "Доставлено 1 з 11 посилок", "Доставлено 1 из 11 посылок"),
        (21, "Доставлено 1 з 21 посилки", "Доставлено 1 из 21 посылки"),
        (24, "Доставлено 1 з 24 посилок", "Доставлено 1 из 24 посылок"),
    ],
)
def test_counts_take_the_ukrainian_and_russian_plural_form_their_number_governs(
    total: int, uk: str, ru: str
) -> None:
    assert delivery_progress(1, total, "uk") == uk
    assert delivery_progress(1, total, "ru") == ru
    assert shipment_progress(1, total, "en") == f"1 of {total} items shipped"


def test_catalogues_carry_three_plural_forms_for_uk_and_ru() -> None:
    assert load("uk").num_plurals == 3 and load("ru").num_plurals == 3
    assert load("en").num_plurals == 2


def test_an_unknown_locale_reads_english_and_values_are_filled() -> None:
    assert pgettext("status", "Shipped", "de") == "Shipped"
    assert pgettext("message", "Order {number}", "uk", number="#7") == "Замовлення #7"
    assert ngettext("{n} message", "{n} messages", 3, "en") == "3 messages"
    assert gettext("Nothing like this is in the catalogue", "ru") == (
        "Nothing like this is in the catalogue"
    )
    assert translations("xx") is translations("en")


def test_every_marked_string_reaches_the_catalogue_template() -> None:
    """N_ and NP_ mark strings for extraction. A variable there, or a literal Babel's
    extractor cannot read (it skips a string wrapped in its own parentheses), would never
    reach the catalogue, and the check above could not see it missing."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    template = extracted()
    lost = []
    for folder in ("core", "adapters", "webapp", "wismo"):
        for path in (root / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                    continue
                if node.func.id not in ("N_", "NP_"):
                    continue
                args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
                context, message = (None, *args) if node.func.id == "N_" else args
                if not isinstance(message, str) or template.get(message, context) is None:
                    lost.append(f"{path.relative_to(root)}:{node.lineno}")
    assert lost == []
