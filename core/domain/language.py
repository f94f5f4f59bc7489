"""Reading a shopper's chat message: which language (en, ru, uk) and which order it names.

Pure functions: the answer service and its tests use them without a database.
Ukrainian and Russian share most letters, so the letters only one of them has decide
first (і ї є ґ are Ukrainian; ы э ъ ё are Russian), then common words.
"""

from __future__ import annotations

import re

_UK_LETTERS = set("іїєґІЇЄҐ")
_RU_LETTERS = set("ыэъёЫЭЪЁ")
_UK_WORDS = {"де", "мій", "моє", "замовлення", "коли", "посилка", "чи", "що", "привіт", "будь"}
_RU_WORDS = {"где", "мой", "моё", "заказ", "когда", "посылка", "что", "привет", "пожалуйста"}
_EN_WORDS = {"where", "my", "order", "when", "parcel", "package", "is", "the", "hello", "track"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{8,}\d")
_MARKED = re.compile(r"(?:[#№]|\bno\.?|\bnr\.?)\s*([A-Za-z]{0,4}-?\d{2,12})\b", re.IGNORECASE)
_NAMED = re.compile(
    r"\b(?:order|заказ\w*|замовлен\w*)\s*(?:number|no\.?|номер)?\s*[#№]?\s*(\d{1,12})\b",
    re.IGNORECASE,
)
_BARE = re.compile(r"(?<![\w+])(\d{3,10})(?!\w)")


def detect_language(text: str, fallback: str | None = None) -> str | None:
    """'uk', 'ru' or 'en' for what the shopper wrote; `fallback` when the text cannot tell."""
    letters = set(text)
    if letters & _UK_LETTERS and not letters & _RU_LETTERS:
        return "uk"
    if letters & _RU_LETTERS and not letters & _UK_LETTERS:
        return "ru"
    words = re.findall(r"[^\W\d_]+", text.lower())
    uk = sum(w in _UK_WORDS for w in words) + 2 * sum(ch in _UK_LETTERS for ch in text)
    ru = sum(w in _RU_WORDS for w in words) + 2 * sum(ch in _RU_LETTERS for ch in text)
    cyrillic = sum("а" <= ch.lower() <= "я" for ch in text)
    if uk or ru or cyrillic:
        if uk != ru:
            return "uk" if uk > ru else "ru"
        return fallback if fallback in ("ru", "uk") else "ru"
    latin = sum("a" <= ch.lower() <= "z" for ch in text)
    if latin or any(w in _EN_WORDS for w in words):
        return "en"
    return fallback


def find_email(text: str) -> str | None:
    """The first email address in the text."""
    match = _EMAIL.search(text)
    return match.group(0) if match else None


def find_phone(text: str) -> str | None:
    """The first phone number in the text (ten or more digits, '+' and separators allowed)."""
    for match in _PHONE.finditer(_EMAIL.sub(" ", text)):
        if len(re.sub(r"\D", "", match.group(0))) >= 10:
            return match.group(0).strip()
    return None


def find_order_number(text: str) -> str | None:
    """The order number the shopper mentions: '#1001', '№ 1001', 'order 1001', '1001?'."""
    rest = _EMAIL.sub(" ", text)
    phone = find_phone(rest)
    if phone:
        rest = rest.replace(phone, " ")
    marked = _MARKED.search(rest)
    if marked:
        return marked.group(1)
    named = _NAMED.search(rest)
    if named:
        return named.group(1)
    bare = _BARE.search(rest)
    return bare.group(1) if bare else None
