"""The problem-report inbox: what shoppers reported on the tracking page, until it is handled."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from core.i18n import NP_, Marked
from core.services.problems import KIND_WORDS, mark_handled, open_reports
from core.storage.models import ProblemReport

from ..context import wismo
from .access import AGENT, me, owned, principal, staff_required
from .blueprint import bp
from .i18n import _, admin_locale

KINDS = KIND_WORDS
FORWARD_STATES: dict[str, Marked] = {
    "pending": NP_("problem", "waiting to be forwarded"),
    "sending": NP_("problem", "being forwarded"),
    "retry": NP_("problem", "forwarding failed, will retry"),
    "forwarded": NP_("problem", "forwarded"),
    "failed": NP_("problem", "not forwarded"),
}


@bp.before_request
def _count_open_problems() -> None:
    """The open count for the navigation, read before the view opens its own session."""
    who = principal()
    if who is None or request.method != "GET":
        return
    with wismo().session() as s:
        g.open_problems = s.scalar(
            select(func.count())
            .select_from(ProblemReport)
            .where(ProblemReport.shop_id == who.shop_id, ProblemReport.handled_at.is_(None))
        )


@bp.context_processor
def _problem_words() -> dict[str, object]:
    """The kinds and states in words, and the open count for the navigation."""
    return {
        "problem_kinds": {code: words(admin_locale()) for code, words in KINDS.items()},
        "forward_states": {code: words(admin_locale()) for code, words in FORWARD_STATES.items()},
        "open_problems": g.get("open_problems", 0),
    }


@bp.route("/problems")
@staff_required(AGENT)
def problems() -> ResponseReturnValue:
    """Every open problem report of this shop, newest first, across orders."""
    with wismo().session() as s:
        reports = open_reports(s, me().shop_id)
        return render_template("admin/problems.html", reports=reports)


@bp.route("/problems/<int:report_id>/handled", methods=["POST"])
@staff_required(AGENT)
def problem_handled(report_id: int) -> ResponseReturnValue:
    """Close a report (the shopper was answered); it leaves the inbox, stays on its order."""
    with wismo().session() as s, s.begin():
        report = owned(s, ProblemReport, report_id)
        order_id = report.order_id
        if not mark_handled(s, me().shop_id, report_id, me().email):
            abort(409)
    flash(_("Marked as handled."))
    if request.form.get("back") == "order":
        return redirect(url_for("admin.order", order_id=order_id) + "#problems")
    return redirect(url_for("admin.problems"))
