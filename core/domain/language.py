"""Reading a shopper's chat message: which language (en, ru, uk) and which order it names.

Pure functions: the answer service and its tests use them without a database.
Ukrainian and Russian share most letters, so the letters only one of them has decide
first (і ї є ґ are Ukrainian; ы э ъ ё are Russian). Then a language identifier made for
short text (passed in as `identify`: the service gives lingua's, core/languages.py) when
it is sure, then words only one of the languages uses, then the caller's fallback (the
order's language).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

Identify = Callable[[str], Mapping[str, float]]
"""A language identifier: the confidence (0..1) of each of en, ru, uk for a text."""
SURE = 0.7
"""Below this confidence a short text is ambiguous between Russian and Ukrainian."""

_UK_LETTERS = set("іїєґІЇЄҐ")
_RU_LETTERS = set("ыэъёЫЭЪЁ")
# common words of shoppers' questions that the other language does not have
_UK_WORDS = frozenset(
    "де мій моє замовлення коли посилка чи що привіт будь буде дякую чому ще як або але "
    "чекаю потрібно потрібен".split()
)
_RU_WORDS = frozenset(
    "где мой моё заказ когда посылка что привет пожалуйста вернуть нужен нужна нужно "
    "спасибо почему еще как или жду подскажите скажите здравствуйте".split()
)
_EN_WORDS = {"where", "my", "order", "when", "parcel", "package", "is", "the", "hello", "track"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{8,}\d")
# an order number: digits, maybe after a short letter prefix ("1042", "A3", "UA-1042")
_NUMBER = r"((?:[A-Za-z]{1,4}-?)?\d{1,12})"
_MARKED = re.compile(r"(?:[#№]|\bno\.?|\bnr\.?)\s*" + _NUMBER + r"\b", re.IGNORECASE)
_NAMED = re.compile(
    r"\b(?:order|заказ\w*|замовлен\w*)\s*(?:number|no\.?|номер)?\s*[#№]?\s*" + _NUMBER + r"\b",
    re.IGNORECASE,
)
_PREFIXED = re.compile(r"(?<![\w-])([A-Za-z]{1,4}-?\d{1,10})(?![\w-])")
_BARE = re.compile(r"(?<![\w+])(\d{3,10})(?!\w)")


def detect_language(
    text: str, fallback: str | None = None, identify: Identify | None = None
) -> str | None:
    """'uk', 'ru' or 'en' for what the shopper wrote; `fallback` when the text cannot tell."""
    letters = set(text)
    if letters & _UK_LETTERS and not letters & _RU_LETTERS:
        return "uk"
    if letters & _RU_LETTERS and not letters & _UK_LETTERS:
        return "ru"
    scores = dict(identify(text)) if identify else {}
    best = max(scores, key=scores.__getitem__, default=None)
    if best is not None and scores[best] >= SURE:
        return best
    words = re.findall(r"[^\W\d_]+", text.lower())
    uk = sum(w in _UK_WORDS for w in words) + 2 * sum(ch in _UK_LETTERS for ch in text)
    ru = sum(w in _RU_WORDS for w in words) + 2 * sum(ch in _RU_LETTERS for ch in text)
    if uk != ru:
        return "uk" if uk > ru else "ru"
    if any("а" <= ch.lower() <= "я" for ch in text):
        if fallback in ("ru", "uk"):
            return fallback
        return best if best in ("ru", "uk") else "ru"
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
    """The order number the shopper mentions: '#1001', '№ 1001', 'order A3', 'UA-1042?'."""
    rest = _EMAIL.sub(" ", text)
    phone = find_phone(rest)
    if phone:
        rest = rest.replace(phone, " ")
    marked = _MARKED.search(rest)
    if marked:
        return marked.group(1)
    for pattern in (_NAMED, _PREFIXED, _BARE):  # a prefixed number before its bare digits
        found = pattern.search(rest)
        if found:
            return found.group(1)
    return None
