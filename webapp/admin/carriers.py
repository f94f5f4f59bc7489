"""Settings → Carriers (owners): connect a carrier, test it on a real number, see its health
and the parcels that need attention. In the shop's language (en, uk, ru)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from core.carriers.base import CarrierError
from core.errors import ConfigError
from core.services.carrier_health import attention, health
from core.services.carrier_settings import connect_carrier, disconnect_carrier, try_waybill
from core.services.following import carrier_classes, carrier_config
from core.storage.clock import utcnow
from core.storage.models import Shop

from ..context import wismo
from .access import OWNER, current_shop, staff_required
from .blueprint import bp
from .forms import hint

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Carriers",
        "intro": "Wismo asks your carriers where each parcel is and tells your shoppers.",
        "connected": "connected",
        "not_connected": "not connected",
        "save": "Save",
        "remove": "Disconnect",
        "stored": "stored",
        "test": "Track a real number",
        "test_button": "Test",
        "number": "Tracking number",
        "health": "Health",
        "carrier": "Carrier",
        "followed": "Parcels followed",
        "last_ok": "Last successful check",
        "failing": "Failing",
        "error": "Last error",
        "attention": "Parcels that need attention",
        "none": "Nothing needs your attention.",
        "order": "Order",
        "why": "Why",
        "unrecognised": "no carrier recognises the number (48 h)",
        "not_found": "the carrier does not know the number (48 h)",
        "quiet": "no news for a week",
        "problem": "refused or returned",
        "saved": "Saved.",
        "removed": "Disconnected.",
        "result": "{carrier}: {number} is {status} ({words}).",
        "unknown": "{carrier} does not know {number}.",
        "failed": "{carrier} could not be asked: {error}",
    },
    "uk": {
        "title": "Перевізники",
        "intro": "Wismo питає ваших перевізників, де кожна посилка, і повідомляє покупців.",
        "connected": "підключено",
        "not_connected": "не підключено",
        "save": "Зберегти",
        "remove": "Відключити",
        "stored": "збережено",
        "test": "Відстежити справжній номер",
        "test_button": "Перевірити",
        "number": "Номер відправлення",
        "health": "Стан",
        "carrier": "Перевізник",
        "followed": "Посилок під наглядом",
        "last_ok": "Остання вдала перевірка",
        "failing": "З помилками",
        "error": "Остання помилка",
        "attention": "Посилки, що потребують уваги",
        "none": "Усе гаразд.",
        "order": "Замовлення",
        "why": "Причина",
        "unrecognised": "жоден перевізник не впізнає номер (48 год)",
        "not_found": "перевізник не знає цього номера (48 год)",
        "quiet": "тиждень без новин",
        "problem": "відмова або повернення",
        "saved": "Збережено.",
        "removed": "Відключено.",
        "result": "{carrier}: {number} — {status} ({words}).",
        "unknown": "{carrier} не знає номера {number}.",
        "failed": "Не вдалося запитати {carrier}: {error}",
    },
    "ru": {
        "title": "Перевозчики",
        "intro": "Wismo спрашивает ваших перевозчиков, где каждая посылка, и сообщает покупателям.",
        "connected": "подключено",
        "not_connected": "не подключено",
        "save": "Сохранить",
        "remove": "Отключить",
        "stored": "сохранено",
        "test": "Отследить настоящий номер",
        "test_button": "Проверить",
        "number": "Номер отправления",
        "health": "Состояние",
        "carrier": "Перевозчик",
        "followed": "Посылок под наблюдением",
        "last_ok": "Последняя удачная проверка",
        "failing": "С ошибками",
        "error": "Последняя ошибка",
        "attention": "Посылки, требующие внимания",
        "none": "Всё в порядке.",
        "order": "Заказ",
        "why": "Причина",
        "unrecognised": "ни один перевозчик не узнаёт номер (48 ч)",
        "not_found": "перевозчик не знает этот номер (48 ч)",
        "quiet": "неделя без новостей",
        "problem": "отказ или возврат",
        "saved": "Сохранено.",
        "removed": "Отключено.",
        "result": "{carrier}: {number} — {status} ({words}).",
        "unknown": "{carrier} не знает номер {number}.",
        "failed": "Не удалось спросить {carrier}: {error}",
    },
}


def _text(shop: Shop) -> dict[str, str]:
    locale = str((shop.settings or {}).get("locale") or "en")[:2]
    return TEXT.get(locale, TEXT["en"])


def _views(shop: Shop) -> list[dict[str, Any]]:
    c = wismo()
    sealed = (c.box.open(shop.secrets).get("carriers") or {}) if shop.secrets else {}
    out = []
    for slug, cls in sorted(carrier_classes().items()):
        meta = cls.metadata
        entry = next(
            (e for e in (shop.settings or {}).get("carriers") or [] if e.get("carrier") == slug),
            {},
        )
        secret = sealed.get(slug) or {}
        out.append(
            {
                "slug": slug,
                "meta": meta,
                "connected": carrier_config(c, shop, slug) is not None and bool(entry or secret),
                "public": {k: v for k, v in entry.items() if k != "carrier"},
                "hints": {k: hint(v) for k, v in secret.items()},
            }
        )
    return out


@bp.route("/carriers")
@staff_required(OWNER)
def carriers() -> ResponseReturnValue:
    with wismo().session() as s:
        shop = current_shop(s)
        return render_template(
            "admin/carriers.html",
            t=_text(shop),
            views=_views(shop),
            health=health(s, shop.id),
            attention=attention(s, shop.id, utcnow()),
        )


@bp.route("/carriers/<slug>", methods=["POST"])
@staff_required(OWNER)
def save_carrier(slug: str) -> ResponseReturnValue:
    cls = carrier_classes().get(slug)
    if cls is None:
        abort(404)
    c = wismo()
    fields = cls.metadata.fields
    form = {f.name: request.form.get(f"f-{f.name}", "").strip() for f in fields}
    try:
        with c.session() as s, s.begin():
            shop = current_shop(s)
            t = _text(shop)
            if request.form.get("disconnect"):
                disconnect_carrier(c, shop, slug)
                message = t["removed"]
            else:
                public = {f.name: form[f.name] for f in fields if not f.secret}
                secret = {f.name: form[f.name] for f in fields if f.secret}
                connect_carrier(c, shop, slug, public, secret)
                message = t["saved"]
    except ConfigError as exc:
        flash(str(exc), "error")
    else:
        flash(message)
    return redirect(url_for("admin.carriers") + f"#{slug}")


@bp.route("/carriers/<slug>/test", methods=["POST"])
@staff_required(OWNER)
def test_carrier(slug: str) -> ResponseReturnValue:
    """Track one real number with the stored settings and say what the carrier answered."""
    cls = carrier_classes().get(slug)
    number = request.form.get("number", "").strip()
    if cls is None or not number:
        abort(400 if cls else 404)
    c = wismo()
    with c.session() as s:
        shop = current_shop(s)
        t = _text(shop)
        label = cls.metadata.label
        try:
            update = try_waybill(c, shop, slug, number)
        except (ConfigError, CarrierError) as exc:
            flash(t["failed"].format(carrier=label, error=exc), "error")
            return redirect(url_for("admin.carriers") + f"#{slug}")
    if not update.found:
        flash(t["unknown"].format(carrier=label, number=number), "error")
    else:
        words = update.scans[-1].description if update.scans else ""
        status = update.status.value if update.status else "—"
        flash(t["result"].format(carrier=label, number=number, status=status, words=words))
    return redirect(url_for("admin.carriers") + f"#{slug}")
