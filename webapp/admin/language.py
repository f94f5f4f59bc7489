"""The language switcher: each staff member picks the admin's language for themselves."""

from __future__ import annotations

from flask import redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from core.i18n import LOCALES
from core.storage.models import StaffUser

from ..context import wismo
from .access import principal
from .blueprint import bp
from .i18n import SESSION_KEY


@bp.route("/language", methods=["POST"])
def set_language() -> ResponseReturnValue:
    """Store the chosen language on the staff member (and this browser), then go back."""
    locale = request.form.get("locale", "")
    if locale in LOCALES:
        session[SESSION_KEY] = locale
        who = principal()
        if who is not None and who.staff_id is not None:
            with wismo().session() as s, s.begin():
                staff = s.get(StaffUser, who.staff_id)
                if staff is not None and staff.shop_id == who.shop_id:
                    staff.locale = locale
    back = request.form.get("next", "")
    if not back.startswith("/admin") or back.startswith("//"):
        back = url_for("admin.home")
    return redirect(back)
