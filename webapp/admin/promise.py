"""Settings → Delivery promise (owners): cut-off, processing, working days, holidays, transit
per carrier and zone, with the figures learned from the shop's own deliveries beside them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from babel.dates import get_day_names
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from core.errors import InvalidSettings
from core.i18n import NP_, Marked
from core.promise import DEFAULT_TRANSIT, MIN_SAMPLES
from core.promise.calendar import known_country
from core.promise.transit import ZONES
from core.rendering import format_day, format_day_range
from core.services.following import carrier_classes
from core.services.promises import home_country, learned, promise_settings, quote
from core.services.shops import update_settings
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Shop

from ..context import wismo
from .access import OWNER, current_shop, staff_required
from .blueprint import bp
from .i18n import admin_locale

TEXT: dict[str, Marked] = {
    "title": NP_("promise", "Delivery promise"),
    "intro": NP_(
        "promise",
        "Wismo tells each shopper when their order will arrive, from the first message, "
        "and shows it on your product and cart pages before they buy.",
    ),
    "enabled": NP_("promise", "Promise a delivery date when the store sends none"),
    "warehouse": NP_("promise", "Your warehouse"),
    "cutoff": NP_("promise", "Cut-off time"),
    "cutoff_help": NP_("promise", "Orders after it start processing the next working day."),
    "processing": NP_("promise", "Processing days"),
    "processing_help": NP_("promise", "Working days from the order to handing it to the carrier."),
    "working_days": NP_("promise", "Working days"),
    "country": NP_("promise", "Public holidays of"),
    "country_help": NP_("promise", "A two-letter country code, such as UA or PL."),
    "rest": NP_(
        "promise",
        "Also closed on the holidays that are working days by law "
        "(in Ukraine, while martial law lasts)",
    ),
    "learn": NP_("promise", "Learn transit times from my delivered parcels"),
    "transit": NP_("promise", "Transit days"),
    "transit_help": NP_(
        "promise",
        "Days from handing a parcel over to its delivery, fewest and most. Empty: the "
        "carrier's usual figures (shown greyed). Once {n} parcels have been delivered to a "
        "country, its learned figures (20th to 80th percentile) take over.",
    ),
    "carrier": NP_("promise", "Carrier"),
    "domestic": NP_("promise", "Within the country"),
    "international": NP_("promise", "Abroad"),
    "fewest": NP_("promise", "fewest"),
    "most": NP_("promise", "most"),
    "others": NP_("promise", "Any other carrier"),
    "learned": NP_("promise", "Learned from your deliveries"),
    "region": NP_("promise", "Country"),
    "samples": NP_("promise", "Parcels"),
    "range": NP_("promise", "Days"),
    "waiting": NP_("promise", "needs {n}"),
    "nothing_learned": NP_("promise", "No delivered parcels yet."),
    "preview": NP_("promise", "An order placed now"),
    "ships": NP_("promise", "handed over on {day}"),
    "arrives": NP_("promise", "arrives {dates}"),
    "closed": NP_("promise", "Closed days in the next 60 days"),
    "none_closed": NP_("promise", "Only the weekly days off."),
    "save": NP_("promise", "Save"),
    "saved": NP_("promise", "Saved."),
    "bad_country": NP_("promise", "No holiday calendar is known for the country {code}."),
    "bad_processing": NP_("promise", "Processing days must be a whole number."),
    "bad_days": NP_("promise", "{field}: fewest and most must be whole days, fewest first."),
}


def _text() -> dict[str, str]:
    locale = admin_locale()
    return {key: marked(locale) for key, marked in TEXT.items()}


def _carriers(shop: Shop) -> list[str]:
    """The connected carriers, then any other carrier ("*")."""
    connected = [e.carrier for e in settings_of(shop).carriers]
    return [*dict.fromkeys(connected), "*"]


def _preview(shop: Shop, session: Any, locale: str) -> dict[str, Any]:
    now = utcnow()
    promise = quote(session, shop, now)
    calendar = promise_settings(shop).warehouse()
    today = now.date()
    weekly = set(range(7)) - set(calendar.weekdays)
    closed = [
        format_day(d, locale)
        for d in calendar.closed_days(today, today + timedelta(days=60))
        if d.weekday() not in weekly
    ]
    return {
        "ships": format_day(promise.ships_on, locale),
        "arrives": format_day_range(promise.earliest, promise.latest, locale),
        "closed": closed,
    }


@bp.route("/promise")
@staff_required(OWNER)
def promise() -> ResponseReturnValue:
    locale = admin_locale()
    with wismo().session() as s:
        shop = current_shop(s)
        conf = settings_of(shop).promise
        labels = {slug: cls.metadata.label for slug, cls in carrier_classes().items()}
        rows = []
        for slug in _carriers(shop):
            mine = conf.transit.get(slug, {})
            usual = DEFAULT_TRANSIT.get(slug, DEFAULT_TRANSIT["*"])
            rows.append(
                {
                    "slug": slug,
                    "label": labels.get(slug, slug),
                    "zones": {z: {"mine": mine.get(z), "usual": usual[z]} for z in ZONES},
                }
            )
        days = get_day_names("wide", locale=locale)
        return render_template(
            "admin/promise.html",
            t=_text(),
            conf=conf,
            country=home_country(shop) or "",
            rows=rows,
            zones=ZONES,
            weekdays=[(i, days[i]) for i in range(7)],
            learned=learned(s, shop),
            labels=labels,
            min_samples=MIN_SAMPLES,
            preview=_preview(shop, s, locale),
        )


def _int(name: str) -> int | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValueError(name)
    return int(raw)


def _parse(shop: Shop, t: dict[str, str]) -> dict[str, Any]:
    form = request.form
    country = form.get("holidays_country", "").strip().upper() or None
    if country and not known_country(country):
        raise InvalidSettings("promise.holidays_country", t["bad_country"].format(code=country))
    transit: dict[str, dict[str, list[int]]] = {}
    for slug in _carriers(shop):
        for zone in ZONES:
            field = f"{slug}-{zone}"
            try:
                low, high = _int(f"t-{field}-min"), _int(f"t-{field}-max")
            except ValueError:
                raise InvalidSettings(
                    "promise.transit", t["bad_days"].format(field=field)
                ) from None
            if low is None and high is None:
                continue
            low = high if low is None else low
            high = low if high is None else high
            assert low is not None and high is not None
            if high < low:
                raise InvalidSettings("promise.transit", t["bad_days"].format(field=field))
            transit.setdefault(slug, {})[zone] = [low, high]
    try:
        processing = _int("processing_days") or 0
    except ValueError:
        raise InvalidSettings("promise.processing_days", t["bad_processing"]) from None
    return {
        "enabled": bool(form.get("enabled")),
        "cutoff": form.get("cutoff", "15:00").strip() or "15:00",
        "processing_days": processing,
        "working_days": sorted({int(d) for d in form.getlist("working_days") if d.isdigit()}),
        "holidays_country": country,
        "rest_on_workday_holidays": bool(form.get("rest_on_workday_holidays")),
        "learn": bool(form.get("learn")),
        "transit": transit,
    }


@bp.route("/promise", methods=["POST"])
@staff_required(OWNER)
def save_promise() -> ResponseReturnValue:
    t = _text()
    try:
        with wismo().session() as s, s.begin():
            shop = current_shop(s)
            update_settings(shop, promise=_parse(shop, t))
    except InvalidSettings as exc:
        flash(str(exc), "error")
    else:
        flash(t["saved"])
    return redirect(url_for("admin.promise"))
