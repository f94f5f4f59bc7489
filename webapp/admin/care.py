"""Care (/admin/care): what needs the merchant's attention, each care rule's switch and
timing, the digest and the discount codes for delays. In the admin's language (en, uk, ru)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from core.errors import InvalidSettings
from core.i18n import NP_, Marked
from core.services.care_view import PROBLEM_WORDS, care_list, codes_given, resolve
from core.services.shops import update_settings
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import CareAction

from ..context import wismo
from .access import AGENT, OWNER, current_shop, me, owned, staff_required
from .blueprint import bp
from .i18n import admin_locale

TEXT: dict[str, Marked] = {
    "title": NP_("care", "Care"),
    "intro": NP_(
        "care",
        "Wismo watches every open order and speaks first: to the shopper when a delivery runs "
        "late, stalls or waits at a pickup point, and to you when something needs a hand.",
    ),
    "attention": NP_("care", "Needs attention"),
    "none": NP_("care", "Nothing needs your attention."),
    "order": NP_("care", "Order"),
    "what": NP_("care", "What"),
    "since": NP_("care", "Since"),
    "code": NP_("care", "Discount code"),
    "handled": NP_("care", "Mark handled"),
    "marked": NP_("care", "Marked as handled."),
    "late": NP_("care", "Late: past the estimated delivery date"),
    "stalled": NP_("care", "Stalled: no carrier scan for too long"),
    "pickup": NP_("care", "Waiting at a pickup point past the deadline"),
    "problem": NP_("care", "Delivery problem"),
    **PROBLEM_WORDS,
    "rules": NP_("care", "Rules"),
    "on": NP_("care", "On"),
    "late_rule": NP_("care", "Running late"),
    "late_hours": NP_("care", "Hours after the end of the estimated day"),
    "stalled_rule": NP_("care", "Stalled parcels"),
    "stalled_hours": NP_("care", "Hours without a carrier scan before you are told"),
    "stalled_tell": NP_("care", "Further hours before the shopper is told it is being checked"),
    "pickup_rule": NP_("care", "Waiting at a branch or locker"),
    "pickup_hours": NP_("care", "Hours after arrival for the first reminder"),
    "pickup_last": NP_("care", "Hours before the end of the last free day for the last reminder"),
    "problem_rule": NP_("care", "Failed attempt, refused, returned"),
    "problem_hours": NP_("care", "Hours before the shopper gets the next steps"),
    "digest": NP_("care", "Daily digest email of what needs attention (not sent when empty)"),
    "discount": NP_("care", "Making up for a delay"),
    "discount_on": NP_("care", "Put a discount code in the delayed message"),
    "discount_days": NP_("care", "When the delay is at least this many days"),
    "discount_codes": NP_("care", "Your codes, one per line (made in your store)"),
    "discount_left": NP_("care", "Codes left"),
    "given": NP_("care", "Codes given"),
    "save": NP_("care", "Save"),
    "saved": NP_("care", "Saved."),
    "bad_number": NP_("care", "{field}: a number, 0 or more, please."),
}
RULES = ("late", "stalled", "pickup", "problem")


def _text() -> dict[str, str]:
    locale = admin_locale()
    return {key: marked(locale) for key, marked in TEXT.items()}


@bp.route("/care")
@staff_required(AGENT)
def care() -> ResponseReturnValue:
    """The attention list for everyone; the rules for owners."""
    with wismo().session() as s:
        shop = current_shop(s)
        conf = settings_of(shop).care
        given = codes_given(s, shop.id)
        used = {g.code for g in given}
        return render_template(
            "admin/care.html",
            t=_text(),
            items=care_list(s, shop.id, utcnow()),
            conf=conf,
            given=given,
            left=sum(1 for c in conf.discount.codes if c not in used),
        )


@bp.route("/care/<int:action_id>/handled", methods=["POST"])
@staff_required(AGENT)
def care_handled(action_id: int) -> ResponseReturnValue:
    """Take an item off the attention list (and out of the digest)."""
    with wismo().session() as s, s.begin():
        owned(s, CareAction, action_id)
        resolve(s, me().shop_id, action_id, utcnow())
    flash(_text()["marked"])
    return redirect(url_for("admin.care") + "#attention")


@bp.route("/care/rules", methods=["POST"])
@staff_required(OWNER)
def save_care() -> ResponseReturnValue:
    """Store the rules' switches and timings, the digest switch and the discount offer."""
    t = _text()
    try:
        care = parse_care(request.form, t)
        with wismo().session() as s, s.begin():
            update_settings(current_shop(s), care=care)
    except (ValueError, InvalidSettings) as exc:
        flash(str(exc), "error")
    else:
        flash(t["saved"])
    return redirect(url_for("admin.care") + "#rules")


def parse_care(form: MultiDict[str, str], t: dict[str, str]) -> dict[str, Any]:
    """The `care` settings section from the rules form (ValueError naming a bad field)."""

    def number(name: str, label: str, whole: bool = False) -> float:
        raw = form.get(name, "").strip().replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if value < 0 or value != value or (whole and not value.is_integer()):
            raise ValueError(t["bad_number"].format(field=t[label]))
        return value

    care: dict[str, Any] = {
        rule: {
            "on": form.get(f"{rule}_on") == "1",
            "hours": number(f"{rule}_hours", f"{rule}_hours"),
        }
        for rule in RULES
    }
    care["stalled_tell_hours"] = number("stalled_tell_hours", "stalled_tell")
    care["pickup_last_hours"] = number("pickup_last_hours", "pickup_last")
    care["digest"] = form.get("digest") == "1"
    codes = [c.strip() for c in form.get("discount_codes", "").splitlines() if c.strip()]
    care["discount"] = {
        "on": form.get("discount_on") == "1",
        "after_days": int(number("discount_days", "discount_days", whole=True)),
        "codes": list(dict.fromkeys(codes)),
    }
    return care
