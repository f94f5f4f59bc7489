"""The message editor: every status x channel x language, with live preview and history."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from core.domain.statuses import Status
from core.errors import TemplateError
from core.rendering import SUPPORTED_LOCALES, VARIABLES, RenderBudgetError, Rendered
from core.rendering.budget import OPERATIONS, SECONDS
from core.services import message_templates as mt
from core.shop_settings import settings_of
from core.storage.models import TemplateVersion

from ..context import wismo
from .access import OWNER, current_shop, me, owned, staff_required
from .blueprint import bp
from .i18n import _, decimal, ngettext_
from .sending import SendFailed, send_direct
from .throttle import admin_send_allowed

LOCALE_NAMES = {"en": "English", "ru": "Русский", "uk": "Українська"}


def _slot(channel: str, status: str, locale: str) -> mt.Slot:
    slot = mt.Slot.parse(channel, status, locale)
    if slot is None:
        abort(404)
    return slot


def _drafts(slot: mt.Slot) -> dict[str, str]:
    return {
        part: request.form[f"part-{part}"]
        for part in mt.parts(slot.channel)
        if f"part-{part}" in request.form
    }


@bp.route("/messages")
@staff_required(OWNER)
def messages() -> ResponseReturnValue:
    """The grid of every message, marking the ones this shop has edited."""
    with wismo().session() as s:
        shop = current_shop(s)
        locale = request.args.get("locale") or settings_of(shop).locale
        if locale not in SUPPORTED_LOCALES:
            locale = "en"
        edits = mt.overrides(shop)
    edited = {
        (ch, st.value)
        for ch in mt.folders()
        for st in Status
        if any(n in edits for n in mt.Slot(ch, st, locale).names.values())
    }
    return render_template(
        "admin/messages.html",
        statuses=list(Status),
        channels=mt.folders(),
        locale=locale,
        locales=LOCALE_NAMES,
        edited=edited,
    )


def sms_summary(characters: int, encoding: str, segments: int) -> str:
    """'160 characters · GSM-7 · 1 segment' in the admin's language."""
    return " · ".join(
        (
            ngettext_("{n} character", "{n} characters", characters),
            encoding,
            ngettext_("{n} segment", "{n} segments", segments),
        )
    )


def too_much_work(exc: RenderBudgetError) -> str:
    """The render budget's refusal in the admin's language, naming the limit exceeded."""
    if exc.limit == OPERATIONS:
        reason = _("more than {n} operations (loop turns, lookups)", n=decimal(exc.amount, 0))
    elif exc.limit == SECONDS:
        reason = _("longer than {n} s to render", n=decimal(exc.amount, 1))
    else:
        reason = _("it builds or writes more than {n} characters", n=decimal(exc.amount, 0))
    return _("This template does too much work: {reason}.", reason=reason)


def _translated(errors: list[mt.PartError]) -> list[mt.PartError]:
    return [replace(e, message=too_much_work(e.budget)) if e.budget else e for e in errors]


def _preview_view(rendered: Rendered) -> dict[str, Any]:
    out: dict[str, Any] = {
        "subject": rendered.subject,
        "text": rendered.text,
        "html": rendered.html,
    }
    if rendered.sms is not None:
        out["sms"] = {
            "encoding": rendered.sms.encoding,
            "characters": rendered.sms.characters,
            "segments": rendered.sms.segments,
            "summary": sms_summary(
                rendered.sms.characters, rendered.sms.encoding, rendered.sms.segments
            ),
        }
    return out


@bp.route("/messages/<channel>/<status>/<locale>", methods=["GET", "POST"])
@staff_required(OWNER)
def edit_message(channel: str, status: str, locale: str) -> ResponseReturnValue:
    """GET shows the editor; POST validates and saves (errors shown at their line)."""
    slot = _slot(channel, status, locale)
    errors: list[mt.PartError] = []
    with wismo().session() as s, s.begin():
        shop = current_shop(s)
        if request.method == "POST":
            drafts = _drafts(slot)
            errors = _translated(mt.save(s, shop, slot, drafts, me().email))
            if not errors:
                flash(_("Saved. New messages use this text from now on."))
                return redirect(request.path)
            sources = {**mt.current_sources(shop, slot), **drafts}
        else:
            sources = mt.current_sources(shop, slot)
        edits = mt.overrides(shop)
        edited = any(n in edits for n in slot.names.values())
        versions = [
            {
                "id": v.id,
                "name": v.name,
                "part": v.name.rsplit(".", 2)[-2],
                "reset": v.source is None,
                "author": v.author,
                "at": v.created_at,
            }
            for v in mt.history(s, shop, slot)
        ]
        try:
            # with errors, the preview keeps showing what is saved and in use
            shown = _preview_view(
                mt.preview(
                    shop,
                    slot,
                    sources if not errors else mt.current_sources(shop, slot),
                    wismo().links,
                )
            )
        except TemplateError:
            shown = None
    status_code = 422 if errors else 200
    return render_template(
        "admin/editor.html",
        slot=slot,
        parts=mt.parts(slot.channel),
        labels={part: _(label) for part, label in mt.PART_LABELS.items()},
        sources=sources,
        errors={e.part: e for e in errors},
        variables={name: _(about) for name, about in VARIABLES.items()},
        preview=shown,
        preview_is_saved=bool(errors),
        versions=versions,
        edited=edited,
        locales=LOCALE_NAMES,
    ), status_code


@bp.route("/messages/<channel>/<status>/<locale>/preview", methods=["POST"])
@staff_required(OWNER)
def preview_message(channel: str, status: str, locale: str) -> ResponseReturnValue:
    """The drafts rendered for the sample order, as JSON for the live preview."""
    slot = _slot(channel, status, locale)
    with wismo().session() as s:
        shop = current_shop(s)
        drafts = _drafts(slot)
        errors = _translated(mt.check(shop, slot, drafts))
        if errors:
            e = errors[0]
            return jsonify({"error": {"part": e.part, "message": e.message, "line": e.lineno}})
        try:
            return jsonify(_preview_view(mt.preview(shop, slot, drafts, wismo().links)))
        except TemplateError as exc:
            message = too_much_work(exc) if isinstance(exc, RenderBudgetError) else str(exc)
            return jsonify({"error": {"part": None, "message": message, "line": exc.lineno}})


@bp.route("/messages/<channel>/<status>/<locale>/reset", methods=["POST"])
@staff_required(OWNER)
def reset_message(channel: str, status: str, locale: str) -> ResponseReturnValue:
    slot = _slot(channel, status, locale)
    with wismo().session() as s, s.begin():
        mt.reset(s, current_shop(s), slot, me().email)
    flash(_("Back to the default text."))
    return redirect(url_for("admin.edit_message", channel=channel, status=status, locale=locale))


@bp.route("/messages/<channel>/<status>/<locale>/send", methods=["POST"])
@staff_required(OWNER)
def send_preview(channel: str, status: str, locale: str) -> ResponseReturnValue:
    """Send the previewed drafts to the signed-in person (email to them; SMS to a number)."""
    slot = _slot(channel, status, locale)
    back = url_for("admin.edit_message", channel=channel, status=status, locale=locale)
    c = wismo()
    with c.session() as s:
        shop = current_shop(s)
    drafts = _drafts(slot) or mt.current_sources(shop, slot)
    try:
        rendered = mt.preview(shop, slot, drafts)
    except TemplateError as exc:
        reason = too_much_work(exc) if isinstance(exc, RenderBudgetError) else exc
        flash(_("Not sent: {reason}", reason=reason), "error")
        return redirect(back)
    kind = {"messenger": request.form.get("kind") or "telegram"}.get(slot.channel, slot.channel)
    # an email preview goes to the signed-in person only (issue 16 item 4)
    to = me().email if kind == "email" else (request.form.get("to") or "").strip()
    if not to:
        flash(_("Say where to send it."), "error")
        return redirect(back)
    if not admin_send_allowed(shop.id):
        flash(_("Too many test messages for now. Please try again in an hour."), "error")
        return redirect(back)
    try:
        sent = send_direct(
            c, shop, kind, to, rendered.text, rendered.subject, rendered.html, purpose="preview"
        )
    except SendFailed as exc:
        flash(_("Not sent: {reason}", reason=exc), "error")
        return redirect(back)
    flash(_("Preview sent to {to} through {provider}.", to=to, provider=sent.provider))
    return redirect(back)


@bp.route("/messages/versions/<int:version_id>/restore", methods=["POST"])
@staff_required(OWNER)
def restore_version(version_id: int) -> ResponseReturnValue:
    with wismo().session() as s, s.begin():
        version = owned(s, TemplateVersion, version_id)
        mt.restore(s, current_shop(s), version, me().email)
        locale, channel, rest = version.name.split("/", 2)
        status = rest.split(".", 1)[0]
    flash(_("That version is in use again."))
    return redirect(url_for("admin.edit_message", channel=channel, status=status, locale=locale))


@bp.route("/messages/versions/<int:version_id>")
@staff_required(OWNER)
def show_version(version_id: int) -> ResponseReturnValue:
    with wismo().session() as s:
        v = owned(s, TemplateVersion, version_id)
        return render_template("admin/version.html", v=v)
