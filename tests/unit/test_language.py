"""Reading a chat message: its language and the order number, email and phone in it."""

import pytest

from core.domain.language import detect_language, find_email, find_order_number, find_phone


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("где мой заказ 1001?", "ru"),
        ("Где посылка? Жду уже неделю", "ru"),
        ("Добрый день, подскажите статус", "ru"),
        ("де моє замовлення 1001?", "uk"),
        ("Коли прийде посилка?", "uk"),
        ("Доброго дня, замовлення #55", "uk"),
        ("where is my order #1001", "en"),
        ("Hi! Any news on order 77?", "en"),
    ],
)
def test_detects_english_russian_and_ukrainian(text, language):
    assert detect_language(text) == language


def test_without_words_the_fallback_decides():
    assert detect_language("1001?", "uk") == "uk"
    assert detect_language("?!", None) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("где мой заказ 1001?", "1001"),
        ("замовлення №A-77", "A-77"),
        ("order #1001, email anna@example.com", "1001"),
        ("my phone is +380 50 123 45 67, order 4321", "4321"),
        ("where is my order?", None),
        ("order 9?", "9"),
        ("заказа номер 12 нет", "12"),
    ],
)
def test_finds_the_order_number_not_the_phone(text, number):
    assert find_order_number(text) == number


def test_finds_email_and_phone():
    text = "заказ 1001, anna@example.com, +380 (50) 123-45-67"
    assert find_email(text) == "anna@example.com"
    assert find_phone(text) == "+380 (50) 123-45-67"
    assert find_phone("order 1001") is None
