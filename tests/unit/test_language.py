"""Reading a chat message: its language and the order number, email and phone in it."""

import pytest

from core.domain.language import detect_language, find_email, find_order_number, find_phone
from core.languages import detector, identify

# Short questions shoppers send, many without a letter only one language has.
RUSSIAN = [
    "Мне нужен трек номер",
    "Хочу вернуть товар",
    "Подскажите статус",
    "Где мой заказ?",
    "Когда придет посылка?",
    "Скажите номер накладной",
    "Как отследить заказ?",
    "Почему так долго?",
    "Заказ еще не пришел",
    "Можно отменить заказ?",
    "Когда будет доставка?",
    "Какой статус заказа 1042?",
    "Посылка не пришла",
    "Хочу отменить заказ",
    "Подскажите, где посылка",
    "Нужна помощь с заказом",
    "Сколько ждать доставку?",
    "Курьер не приехал",
    "Добрый день, заказ отправлен?",
    "Как получить трек номер?",
    "Вы отправили заказ?",
    "Когда отправите?",
    "Пришла не та вещь",
    "Спасибо, жду",
    "Курьер не звонил",
    "Не могу найти заказ",
]
UKRAINIAN = [
    "Де моє замовлення?",
    "Коли прийде посилка?",
    "Підкажіть статус",
    "Хочу повернути товар",
    "Мені потрібен трек номер",
    "Коли буде доставка?",
    "Як відстежити замовлення?",
    "Чому так довго?",
    "Замовлення ще не прийшло",
    "Можна скасувати замовлення?",
    "Який статус замовлення 1042?",
    "Посилка не прийшла",
    "Хочу скасувати замовлення",
    "Підкажіть, де посилка",
    "Скільки чекати доставку?",
    "Кур'єр не приїхав",
    "Ви відправили замовлення?",
    "Коли відправите?",
    "Надішліть номер накладної",
    "Прийшла не та річ",
    "Де посилка?",
    "Коли доставка?",
    "Дякую, чекаю",
    "Де мій трек?",
    "Кур'єр не дзвонив",
    "Не можу знайти замовлення",
]


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


@pytest.mark.parametrize(
    ("text", "language"), [(t, "ru") for t in RUSSIAN] + [(t, "uk") for t in UKRAINIAN]
)
def test_short_questions_are_told_apart_even_against_the_orders_language(text, language):
    other = "uk" if language == "ru" else "ru"
    for fallback in (other, language, "en", None):
        assert detect_language(text, fallback, identify) == language, fallback


def test_an_ambiguous_word_falls_back_to_the_orders_language():
    assert identify("Статус")  # lingua has an opinion, but not a sure one
    assert detect_language("Статус", "ru", identify) == "ru"
    assert detect_language("Статус", "uk", identify) == "uk"
    assert detect_language("1001?", "uk", identify) == "uk"


def test_the_detector_is_built_once_per_process():
    assert detector() is detector()


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
        ("order A3, please", "A3"),
        ("Где мой заказ #UA-1042?", "UA-1042"),
        ("замовлення UA-1042 де?", "UA-1042"),
        ("UA-1042 ещё не пришёл", "UA-1042"),
        ("A3?", "A3"),
        ("№ab-7", "ab-7"),
    ],
)
def test_finds_the_order_number_not_the_phone(text, number):
    assert find_order_number(text) == number


def test_finds_email_and_phone():
    text = "заказ 1001, anna@example.com, +380 (50) 123-45-67"
    assert find_email(text) == "anna@example.com"
    assert find_phone(text) == "+380 (50) 123-45-67"
    assert find_phone("order 1001") is None
