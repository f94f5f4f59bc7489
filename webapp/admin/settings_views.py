"""Settings (owners only): general, policy matrix, channels and credentials, status mapping,
branding and tracking; and the account page (password, team)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from core import registry
from core.domain.statuses import Status
from core.errors import ConfigError, InvalidSettings, TemplateError
from core.rendering.colours import contrast, hex_colour, rgb, text_on
from core.services.message_templates import preview_facts
from core.services.sender import dns_token, domain_of, is_verified
from core.services.shops import policy_of, update_settings
from core.services.staff import INVITE, add_staff, authenticate, hash_password, sign_in_token
from core.shop_settings import settings_of
from core.storage.models import Shop, StaffUser

from ..context import wismo
from . import forms
from .access import AGENT, OWNER, current_shop, me, owned, sign_in, staff_required
from .blueprint import bp
from .i18n import _, channel_label, role_label
from .sending import SendFailed, send_direct
from .throttle import admin_send_allowed


def maps_statuses(platform: str) -> bool:
    """Whether merchants of this platform map its own order statuses (the adapter says so)."""
    meta = registry.adapter_metadata(platform)
    return bool(meta and meta.status_map)


def _sealed(shop: Shop) -> dict[str, Any]:
    try:
        return wismo().box.open(shop.secrets)
    except ConfigError:
        return {}


def channel_views(shop: Shop) -> list[dict[str, Any]]:
    """Each channel kind with its provider, public settings and hints of its secrets."""
    configured = settings_of(shop)
    sealed = _sealed(shop).get("channels") or {}
    out = []
    for kind in forms.kinds():
        entry = configured.providers(kind)[0].config() if configured.providers(kind) else {}
        secret = dict((sealed.get(kind) or [{}])[0])
        provider = str(entry.pop("provider", "") or "")
        options = [
            {
                "name": name,
                "label": registry.channels()[name].label,
                "fields": forms.fields_for(name),
                "public": entry if name == provider else {},
                "hints": {k: forms.hint(v) for k, v in secret.items()} if name == provider else {},
            }
            for name in forms.providers_for_kind(kind)
        ]
        out.append(
            {
                "kind": kind,
                "provider": provider,
                "options": options,
                "default_label": default_provider(kind)[0],
                "default_note": default_provider(kind)[1],
            }
        )
    return out


def default_provider(kind: str) -> tuple[str, str]:
    """What a channel with no provider of the shop's own sends through: a short name for the
    picker, and a line that says it plainly."""
    if kind == "email" and wismo().providers.smtp_url:
        return _("the service's email server"), _(
            "Email goes out through the service's own server, from its address."
        )
    return _("none"), _("Messages only reach the dev outbox: no shopper gets them.")


def colour_view(branding: Any) -> dict[str, Any]:
    """The brand colour for the picker (#rrggbb), and the text colour pages put on it."""
    value = hex_colour(branding.brand_color)
    r, g, b = rgb(value)
    on = text_on((r, g, b))
    return {
        "hex": f"#{r:02x}{g:02x}{b:02x}",
        "on": on,
        "on_words": _("white") if on == "#ffffff" else _("dark"),
        "ratio": contrast((r, g, b), rgb(on)),
    }


@bp.route("/settings")
@staff_required(OWNER)
def settings() -> ResponseReturnValue:
    with wismo().session() as s:
        shop = current_shop(s)
        conf = settings_of(shop)
        policy = policy_of(shop)
        branding = conf.branding
        return render_template(
            "admin/settings.html",
            shop=shop,
            conf=conf,
            policy=policy,
            matrix=policy.matrix,
            statuses=list(Status),
            channels=forms.kinds(),
            channel_views=channel_views(shop),
            branding=branding,
            branding_text=forms.branding_text(conf),
            status_map="\n".join(f"{k} = {v}" for k, v in conf.status_map.items()),
            show_status_map=maps_statuses(shop.platform),
            tracking=conf.tracking,
            fields_for=forms.fields_for,
            colour=colour_view(branding),
            sender_verified=is_verified(shop, branding.sender_email),
            sender_domain=domain_of(branding.sender_email),
            sender_txt=dns_token(
                wismo().settings.secret_key, shop.id, domain_of(branding.sender_email)
            ),
        )


def _save(section: str, apply: Any) -> ResponseReturnValue:
    """Run one section's change on the shop; a FormError is shown and nothing is saved."""
    try:
        with wismo().session() as s, s.begin():
            apply(current_shop(s))
    except (forms.FormError, InvalidSettings) as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.settings") + f"#{section}")
    flash(_("Saved."))
    return redirect(url_for("admin.settings") + f"#{section}")


@bp.route("/settings/general", methods=["POST"])
@staff_required(OWNER)
def save_general() -> ResponseReturnValue:
    def apply(shop: Shop) -> None:
        top, policy = forms.parse_general(request.form)
        current = settings_of(shop).policy.model_dump(mode="json", exclude_unset=True)
        update_settings(shop, **top, policy={**current, **policy})

    return _save("general", apply)


@bp.route("/settings/policy", methods=["POST"])
@staff_required(OWNER)
def save_policy() -> ResponseReturnValue:
    def apply(shop: Shop) -> None:
        current = settings_of(shop).policy.model_dump(mode="json", exclude_unset=True)
        update_settings(shop, policy={**current, "matrix": forms.parse_matrix(request.form)})

    return _save("policy", apply)


@bp.route("/settings/channels/<kind>", methods=["POST"])
@staff_required(OWNER)
def save_channel(kind: str) -> ResponseReturnValue:
    """A channel's provider and settings; credentials sealed, blank ones kept as they were."""
    if kind not in forms.kinds():
        abort(404)
    c = wismo()

    def apply(shop: Shop) -> None:
        provider = request.form.get("provider", "").strip()
        channels = {k: [p.config() for p in v] for k, v in settings_of(shop).channels.items()}
        sealed = _sealed(shop)
        sealed_channels = dict(sealed.get("channels") or {})
        if not provider:
            channels.pop(kind, None)
            sealed_channels.pop(kind, None)
        else:
            if provider not in forms.providers_for_kind(kind):
                raise forms.FormError(f"{provider!r} cannot send {kind} messages")
            before = (channels.get(kind) or [{}])[0].get("provider")
            old = dict((sealed_channels.get(kind) or [{}])[0]) if before == provider else {}
            fields = forms.fields_for(provider)
            if fields is None:
                public = forms.parse_pairs(request.form.get(f"settings-{provider}", ""))
                given = forms.parse_pairs(request.form.get(f"credentials-{provider}", ""))
                secret = {**old, **given} if given or old else {}
            else:
                form = {
                    f.name: request.form.get(f"f-{provider}-{f.name}", "").strip() for f in fields
                }
                # keys the form does not show (set by a script or a newer version) stay
                kept = dict((channels.get(kind) or [{}])[0]) if before == provider else {}
                kept.pop("provider", None)
                public = kept
                for f in fields:
                    if f.secret:
                        continue
                    value = forms.field_value(f, form[f.name])
                    if value in ("", None):
                        public.pop(f.name, None)
                    else:
                        public[f.name] = value
                given = {f.name: form[f.name] for f in fields if f.secret and form[f.name]}
                secret = {**old, **given}  # a blank secret keeps the stored one
            try:  # build it once, so a broken setting is refused now rather than at send time
                c.channel(provider, {**public, **secret})
            except ConfigError as exc:
                raise forms.FormError(f"{kind}: {exc}") from None
            channels[kind] = [{"provider": provider, **public}]
            sealed_channels[kind] = [secret]
        update_settings(shop, channels=channels)
        shop.secrets = c.box.seal({**sealed, "channels": sealed_channels})

    return _save("channels", apply)


@bp.route("/settings/channels/<kind>/test", methods=["POST"])
@staff_required(OWNER)
def test_channel(kind: str) -> ResponseReturnValue:
    """Send the shipped message, rendered for a sample order, to the signed-in person."""
    if kind not in forms.kinds():
        abort(404)
    c = wismo()
    # email only to the signed-in person, a webhook only to its configured URL: a test is no
    # way to send Wismo's mail, or a request, anywhere else (issue 16 items 3 and 4)
    to = me().email if kind == "email" else (request.form.get("to") or "").strip()
    with c.session() as s:
        shop = current_shop(s)
    if kind == "webhook":
        hooks = settings_of(shop).providers("webhook")
        to = str(hooks[0].config().get("url") or "" if hooks else "")
    if to and not admin_send_allowed(shop.id):
        flash(_("Too many test messages for now. Please try again in an hour."), "error")
        return redirect(url_for("admin.settings") + "#channels")
    if not to:
        flash(_("Say where the {channel} test should go.", channel=channel_label(kind)), "error")
        return redirect(url_for("admin.settings") + "#channels")
    locale = settings_of(shop).locale
    try:
        if kind == "webhook":
            text, subject, html = f"#1001: {Status.SHIPPED.value} (test)", None, None
        else:
            r = c.renderer_for(shop).render(
                kind, Status.SHIPPED, locale, preview_facts(shop, Status.SHIPPED, locale)
            )
            text, subject, html = r.text, r.subject and f"[Test] {r.subject}", r.html
        sent = send_direct(c, shop, kind, to, text, subject, html)
    except (SendFailed, TemplateError) as exc:
        flash(
            _("The {channel} test failed: {reason}", channel=channel_label(kind), reason=exc),
            "error",
        )
        return redirect(url_for("admin.settings") + "#channels")
    flash(
        _(
            "Test {channel} sent to {to} through {provider} (id {id}).",
            channel=channel_label(kind),
            to=to,
            provider=sent.provider,
            id=sent.message_id,
        )
    )
    return redirect(url_for("admin.settings") + "#channels")


@bp.route("/settings/status-map", methods=["POST"])
@staff_required(OWNER)
def save_status_map() -> ResponseReturnValue:
    def apply(shop: Shop) -> None:
        update_settings(shop, status_map=forms.parse_status_map(request.form.get("status_map", "")))

    return _save("status-map", apply)


@bp.route("/settings/branding", methods=["POST"])
@staff_required(OWNER)
def save_branding() -> ResponseReturnValue:
    def apply(shop: Shop) -> None:
        current = settings_of(shop).branding
        update_settings(shop, branding=forms.parse_branding(request.form, current))

    return _save("branding", apply)


@bp.route("/settings/tracking", methods=["POST"])
@staff_required(OWNER)
def save_tracking() -> ResponseReturnValue:
    def apply(shop: Shop) -> None:
        update_settings(
            shop,
            tracking={
                "opens": request.form.get("opens") == "on",
                "clicks": request.form.get("clicks") == "on",
            },
        )

    return _save("tracking", apply)


# --- account and team ---------------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@staff_required(AGENT)
def account() -> ResponseReturnValue:
    """Change your password; owners also see and manage the team."""
    with wismo().session() as s, s.begin():
        staff = owned(s, StaffUser, me().staff_id or 0)
        if request.method == "POST":
            new = request.form.get("new_password", "")
            if (
                staff.password_hash
                and authenticate(s, staff.email, request.form.get("current_password", "")) is None
            ):
                flash(_("Your current password is not right."), "error")
            else:
                try:
                    staff.password_hash = hash_password(new)
                except ValueError as exc:
                    flash(str(exc), "error")
                else:
                    staff.session_generation = (staff.session_generation or 0) + 1
                    s.flush()
                    sign_in(staff)  # the new stamp ends other sessions, keeps this one
                    flash(_("Password changed."))
            return redirect(url_for("admin.account"))
        team = []
        if me().is_owner:
            team = list(
                s.scalars(
                    select(StaffUser)
                    .where(StaffUser.shop_id == me().shop_id)
                    .order_by(StaffUser.id)
                )
            )
        return render_template(
            "admin/account.html", staff=staff, team=team, has_password=bool(staff.password_hash)
        )


@bp.route("/account/team", methods=["POST"])
@staff_required(OWNER)
def add_team_member() -> ResponseReturnValue:
    """Add an owner or agent; they get a one-time sign-in link to set a password."""
    c = wismo()
    try:
        with c.session() as s, s.begin():
            shop = current_shop(s)
            staff = add_staff(s, shop, request.form.get("email", ""), request.form.get("role", ""))
            token = sign_in_token(c.links, staff, INVITE)
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.account"))
    link = c.links.public_url + url_for("admin.redeem_link", token=token, p="invite")
    try:
        send_direct(
            c,
            shop,
            "email",
            staff.email,
            _(
                "You have been added to the Wismo admin of {shop}.\n\n"
                "Sign in (the link works once, for 72 hours): {link}\n",
                shop=shop.name,
                link=link,
            ),
            _("Your access to {shop} on Wismo", shop=shop.name),
            purpose="invite",
        )
        flash(
            _(
                "{email} added as {role}; an invitation is on its way.",
                email=staff.email,
                role=role_label(staff.role),
            )
        )
    except SendFailed:
        flash(
            _(
                "{email} added as {role}. Send them this one-time link: {link}",
                email=staff.email,
                role=role_label(staff.role),
                link=link,
            )
        )
    return redirect(url_for("admin.account"))


@bp.route("/account/team/<int:staff_id>/remove", methods=["POST"])
@staff_required(OWNER)
def remove_team_member(staff_id: int) -> ResponseReturnValue:
    with wismo().session() as s, s.begin():
        staff = owned(s, StaffUser, staff_id)
        if staff.id == me().staff_id:
            flash(_("You cannot remove yourself."), "error")
        else:
            s.delete(staff)
            flash(_("{email} removed.", email=staff.email))
    return redirect(url_for("admin.account"))
