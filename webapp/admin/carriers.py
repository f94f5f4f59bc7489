"""Settings → Carriers (owners): connect a carrier, test it on a real number, see its health
and the parcels that need attention. In the shop's language (en, uk, ru)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from core.carriers.base import CarrierError
from core.errors import ConfigError
from core.i18n import NP_, Marked
from core.services.carrier_health import attention, health
from core.services.carrier_settings import connect_carrier, disconnect_carrier, try_waybill
from core.services.following import carrier_classes, carrier_config
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Shop

from ..context import wismo
from .access import OWNER, current_shop, staff_required
from .blueprint import bp
from .forms import hint
from .i18n import admin_locale

TEXT: dict[str, Marked] = {
    "title": NP_("carriers", "Carriers"),
    "intro": NP_(
        "carriers", "Wismo asks your carriers where each parcel is and tells your shoppers."
    ),
    "connected": NP_("carriers", "connected"),
    "not_connected": NP_("carriers", "not connected"),
    "save": NP_("carriers", "Save"),
    "remove": NP_("carriers", "Disconnect"),
    "stored": NP_("carriers", "stored"),
    "test": NP_("carriers", "Track a real number"),
    "test_button": NP_("carriers", "Test"),
    "number": NP_("carriers", "Tracking number"),
    "health": NP_("carriers", "Health"),
    "carrier": NP_("carriers", "Carrier"),
    "followed": NP_("carriers", "Parcels followed"),
    "last_ok": NP_("carriers", "Last successful check"),
    "failing": NP_("carriers", "Failing"),
    "error": NP_("carriers", "Last error"),
    "attention": NP_("carriers", "Parcels that need attention"),
    "none": NP_("carriers", "Nothing needs your attention."),
    "order": NP_("carriers", "Order"),
    "why": NP_("carriers", "Why"),
    "unrecognised": NP_("carriers", "no carrier recognises the number (48 h)"),
    "not_found": NP_("carriers", "the carrier does not know the number (48 h)"),
    "quiet": NP_("carriers", "no news for a week"),
    "problem": NP_("carriers", "refused or returned"),
    "saved": NP_("carriers", "Saved."),
    "removed": NP_("carriers", "Disconnected."),
    "result": NP_("carriers", "{carrier}: {number} is {status} ({words})."),
    "unknown": NP_("carriers", "{carrier} does not know {number}."),
    "failed": NP_("carriers", "{carrier} could not be asked: {error}"),
}


def _text() -> dict[str, str]:
    """The page's words in the staff member's admin language."""
    locale = admin_locale()
    return {key: marked(locale) for key, marked in TEXT.items()}


def _views(shop: Shop) -> list[dict[str, Any]]:
    c = wismo()
    sealed = (c.box.open(shop.secrets).get("carriers") or {}) if shop.secrets else {}
    out = []
    for slug, cls in sorted(carrier_classes().items()):
        meta = cls.metadata
        entry = next((e.config() for e in settings_of(shop).carriers if e.carrier == slug), {})
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
            t=_text(),
            views=_views(shop),
            health=health(s, shop.id),
            labels={slug: cls.metadata.label for slug, cls in carrier_classes().items()},
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
            t = _text()
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
        t = _text()
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
