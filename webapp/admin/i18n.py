"""The admin's language: the staff member's choice, else the browser's, through core.i18n.

Views translate with `_()` / `ngettext_()`; templates with `_()`, `ngettext()`, `pgettext()`
and `{% trans %}` (Jinja's i18n extension, new-style: `%(name)s` placeholders). Codes the
admin shows (statuses, message states, channels, receipts, event outcomes) read as words
through the `*_name` helpers, which every admin template gets.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from flask import Flask, g, request, session

from core import registry
from core.i18n import LOCALES, NP_, Marked, gettext, ngettext, translations
from core.rendering import normalize_locale, status_label

NAMES = {"en": "English", "uk": "Українська", "ru": "Русский"}
SHORT = {"en": "EN", "uk": "УКР", "ru": "РУС"}
SESSION_KEY = "admin_locale"

STATES: dict[str, Marked] = {
    "pending": NP_("message state", "waiting"),
    "sending": NP_("message state", "sending"),
    "sent": NP_("message state", "sent"),
    "retry": NP_("message state", "will retry"),
    "dead": NP_("message state", "not delivered"),
    "superseded": NP_("message state", "replaced by newer news"),
    "skipped": NP_("message state", "not sent"),
    "failed_over": NP_("message state", "sent by another channel"),
}
RECEIPTS: dict[str, Marked] = {
    "queued": NP_("receipt", "queued"),
    "sent": NP_("receipt", "sent"),
    "delivered": NP_("receipt", "delivered"),
    "undelivered": NP_("receipt", "not delivered"),
    "failed": NP_("receipt", "failed"),
    "opened": NP_("receipt", "opened"),
    "clicked": NP_("receipt", "clicked"),
    "opt_out": NP_("receipt", "opted out"),
    "read": NP_("receipt", "read"),
}
CHANNELS: dict[str, Marked] = {
    "email": NP_("channel", "Email"),
    "sms": NP_("channel", "SMS"),
    "messenger": NP_("channel", "Messengers"),
    "webhook": NP_("channel", "Webhook"),
    "telegram": NP_("channel", "Telegram"),
    "whatsapp": NP_("channel", "WhatsApp"),
    "viber": NP_("channel", "Viber"),
}
OUTCOMES: dict[str, Marked] = {
    "applied": NP_("event outcome", "applied"),
    "overlay": NP_("event outcome", "shown over the current status"),
    "unchanged": NP_("event outcome", "already known"),
    "stale": NP_("event outcome", "older than what we know: kept, not applied"),
    "rejected": NP_("event outcome", "refused"),
    "dead": NP_("event outcome", "failed"),
}
SOURCES: dict[str, Marked] = {
    "simulator": NP_("event source", "the demo simulator"),
    "api": NP_("event source", "the event API"),
    "reconcile": NP_("event source", "a catch-up with the store"),
    "backfill": NP_("event source", "an import of earlier orders"),
    "carrier": NP_("event source", "the carrier"),
}
ROLES: dict[str, Marked] = {
    "owner": NP_("role", "owner"),
    "agent": NP_("role", "support agent"),
}
_PLATFORMS = {"shopify": "Shopify", "woocommerce": "WooCommerce", "opencart": "OpenCart"}


def admin_locale() -> str:
    """The language this admin request is shown in."""
    return str(g.get(SESSION_KEY) or "en")


def choose_locale(stored: str | None) -> str:
    """The staff member's stored choice, else this browser's, else the platform's (Shopify
    opens an embedded app with `?locale=uk-UA`), else Accept-Language, else en."""
    if stored in LOCALES:
        return str(stored)
    chosen = session.get(SESSION_KEY)
    if chosen in LOCALES:
        return str(chosen)
    platform = normalize_locale(request.args.get("locale"))
    if platform:
        return platform
    return request.accept_languages.best_match(LOCALES) or "en"


def _(message: str, /, **values: Any) -> str:
    """`message` in the admin's language, {values} filled in."""
    return gettext(message, admin_locale(), **values)


def ngettext_(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """The plural form `n` takes in the admin's language, {n} and {values} filled in."""
    return ngettext(singular, plural, n, admin_locale(), **values)


def _name(table: dict[str, Marked], code: Any) -> str:
    code = "" if code is None else str(getattr(code, "value", code))
    marked = table.get(code)
    return marked(admin_locale()) if marked else code


def channel_label(code: Any) -> str:
    """A channel kind in words: 'sms' → 'SMS', 'messenger' → 'Месенджери'; a plug-in's
    kind by its own label ('push' → 'Push-сповіщення')."""
    name = "" if code is None else str(getattr(code, "value", code))
    if name not in CHANNELS and (kind := registry.kind(name)) is not None:
        return kind.label_in(admin_locale()) or name
    return _name(CHANNELS, code)


def role_label(code: Any) -> str:
    """A staff role in words: 'agent' → 'support agent'."""
    return _name(ROLES, code)


def status_name(code: Any) -> str:
    """An order status in words: 'in_transit' → 'In transit' / 'У дорозі'."""
    if not code:
        return ""
    try:
        return status_label(str(getattr(code, "value", code)), admin_locale())
    except ValueError:
        return str(code)


def when(value: datetime | date | None, time: bool = True) -> str:
    """A moment as the admin's language writes it, short: '03.12.26, 14:05', '12/3/26, 2:05 PM'."""
    if value is None:
        return ""
    if isinstance(value, datetime) and time:
        return format_datetime(value, "short", locale=admin_locale())
    return format_date(value, "medium", locale=admin_locale())


def decimal(value: float | None, places: int = 1) -> str:
    """A number as the admin's language writes it: '24.5' / '24,5'; '—' for none."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, pattern, locale=admin_locale())


def percent(share: float | None, places: int = 1) -> str:
    """A share as a percentage in the admin's language: '85.7%' / '85,7 %'; '—' for none."""
    if share is None:
        return "—"
    pattern = "#,##0." + "0" * places + "%" if places else "#,##0%"
    return format_percent(share, pattern, locale=admin_locale())


def helpers() -> dict[str, Any]:
    """What every admin page knows about its language (the `*_name` helpers are globals)."""
    return {
        "admin_locale": admin_locale(),
        "admin_locales": NAMES,
        "admin_locales_short": SHORT,
    }


GLOBALS: dict[str, Any] = {
    "status_name": status_name,
    "state_name": lambda code: _name(STATES, code),
    "receipt_name": lambda code: _name(RECEIPTS, code),
    "channel_name": channel_label,
    "outcome_name": lambda code: _name(OUTCOMES, code),
    "role_name": role_label,
    "source_name": lambda code: _PLATFORMS.get(str(code)) or _name(SOURCES, code),
    "when": when,
    "decimal": decimal,
    "percent": percent,
}
"""Words for codes, usable in imported macros too (they see globals, not the context)."""


def init_i18n(app: Flask) -> None:
    """Jinja's i18n extension with gettext bound to the request's admin language."""
    if "jinja2.ext.InternationalizationExtension" in app.jinja_env.extensions:
        return
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.globals.update(GLOBALS)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: translations(admin_locale()).gettext(message),
        lambda singular, plural, n: translations(admin_locale()).ngettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, message: translations(admin_locale()).pgettext(context, message),
        npgettext=lambda context, singular, plural, n: translations(admin_locale()).npgettext(
            context, singular, plural, n
        ),
    )
