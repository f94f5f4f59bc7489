"""Every Python-side string Wismo shows, in en, ru and uk, through gettext catalogues.

The catalogues are Babel's: `core/i18n/messages.pot` (extracted with `scripts/i18n extract`,
see babel.cfg) and one `core/i18n/locale/<ll>/LC_MESSAGES/messages.po` per language. They are
compiled in memory on first use, so a fresh clone needs no build step and no binary in git.
Python code formats with `{name}`; Jinja templates (`_()`, `{% trans %}`) with `%(name)s`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("en", "ru", "uk")
DEFAULT = "en"
DOMAIN = "messages"
HERE = Path(__file__).parent
LOCALE_DIR = HERE / "locale"
TEMPLATE = HERE / "messages.pot"


def N_(message: str) -> str:
    """Marks `message` for extraction; it is translated later, where the locale is known."""
    return message


@dataclass(frozen=True)
class Marked:
    """A message marked for extraction, translated when called with a locale."""

    context: str
    message: str

    def __call__(self, locale: str | None, /, **values: Any) -> str:
        return pgettext(self.context, self.message, locale, **values)


def NP_(context: str, message: str) -> Marked:
    """Marks `message`, as meant in `context`, for extraction: `NP_(...)(locale)` translates."""
    return Marked(context, message)


def catalogue_path(locale: str) -> Path:
    """Where the .po catalogue of `locale` lives."""
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(locale: str | None) -> NullTranslations:
    """The compiled catalogue of `locale` (English words for an unknown one)."""
    return _compiled(locale if locale in LOCALES else DEFAULT)


@cache
def _compiled(locale: str) -> NullTranslations:
    path = catalogue_path(locale)
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    mo = BytesIO()
    write_mo(mo, catalog)  # fuzzy entries are left out: they fall back to English
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def _fill(text: str, values: dict[str, Any]) -> str:
    return text.format(**values) if values else text


def gettext(message: str, locale: str | None, /, **values: Any) -> str:
    """`message` in `locale`, with its {values} filled in."""
    return _fill(translations(locale).gettext(message), values)


def pgettext(context: str, message: str, locale: str | None, /, **values: Any) -> str:
    """`message` as meant in `context` (e.g. 'status'), in `locale`, {values} filled in."""
    return _fill(str(translations(locale).pgettext(context, message)), values)


def ngettext(singular: str, plural: str, n: int, locale: str | None, /, **values: Any) -> str:
    """The form of the message `n` takes in `locale` (uk/ru have three), {n} and {values} filled."""
    return _fill(translations(locale).ngettext(singular, plural, n), {"n": n, **values})


def npgettext(
    context: str, singular: str, plural: str, n: int, locale: str | None, /, **values: Any
) -> str:
    """`ngettext` within `context`."""
    text = translations(locale).npgettext(context, singular, plural, n)
    return _fill(text, {"n": n, **values})
