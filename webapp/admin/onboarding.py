"""Getting started: the checklist, the pre-configured plug-in download, the first test email."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape

from core import registry
from core.services.link import link_report
from core.storage.clock import utcnow
from core.storage.models import Shop

from ..context import wismo
from .access import OWNER, current_shop, me, principal, staff_required
from .blueprint import bp
from .checklist import adapter_class, can_package_plugin, checklist, set_admin_state
from .i18n import _
from .sending import SendFailed, send_direct
from .throttle import admin_send_allowed

TEST_RECEIVED = "wismo.admin.test-received"


@bp.route("/")
def home() -> ResponseReturnValue:
    """Owners land on the checklist until it is done, then on the dashboard; agents on orders."""
    who = principal()
    if who is None:
        return redirect(url_for("admin.sign_in"))
    if not who.is_owner:
        return redirect(url_for("admin.orders"))
    with wismo().session() as s:
        steps = checklist(wismo(), s, current_shop(s))
    return redirect(
        url_for("admin.dashboard" if all(x.done for x in steps) else "admin.onboarding")
    )


@bp.route("/onboarding")
@staff_required(OWNER)
def onboarding() -> ResponseReturnValue:
    c = wismo()
    with c.session() as s:
        shop = current_shop(s)
        steps = checklist(c, s, shop)
        webhook_url = f"{c.settings.public_url}/webhooks/{shop.platform}/{shop.key}"
        return render_template(
            "admin/onboarding.html",
            steps=steps,
            shop=shop,
            webhook_url=webhook_url if registry.merchant_sets_webhook(shop.platform) else None,
            api_url=f"{c.settings.public_url}/api/v1/orders/events",
            plugin_files=plugin_files(shop) if can_package_plugin(shop) else [],
            adapter_installed=adapter_class(shop) is not None,
            link=link_report(s, shop),
            key_check=((shop.state or {}).get(shop.platform) or {}).get("key_check"),
        )


def plugin_config(shop: Shop) -> dict[str, str]:
    """What a downloaded plug-in needs to talk to this service as this shop."""
    c = wismo()
    secret = c.box.open(shop.secrets).get("webhook_secret", "")
    return {"wismo_url": c.settings.public_url, "shop_key": shop.key, "secret": secret}


def _build_plugin(shop: Shop, out_dir: Path) -> list[str]:
    """Build the shop's installable archives under out_dir; their paths relative to it."""
    paths = adapter_class(shop).package_plugin(out_dir, plugin_config(shop))
    return [Path(p).relative_to(out_dir).as_posix() for p in paths]


def plugin_files(shop: Shop) -> list[str]:
    """The archives the platform installs, one download each (OpenCart: one per version).

    Each is offered as it is: a store's installer takes one `.zip`/`.ocmod.zip`, and
    OpenCart 3.0 rejects a zip of zips ("Invalid file type!").
    """
    with tempfile.TemporaryDirectory() as tmp:
        return _build_plugin(shop, Path(tmp))


@bp.route("/onboarding/plugin")
@staff_required(OWNER)
def plugin_download() -> ResponseReturnValue:
    """One of the platform's plug-in archives, built with this shop's URL, key and secret."""
    wanted = request.args.get("file", "")
    with wismo().session() as s:
        shop = current_shop(s)
        if not can_package_plugin(shop):
            abort(404)
        with tempfile.TemporaryDirectory() as tmp:
            names = _build_plugin(shop, Path(tmp))
            if not wanted and len(names) == 1:
                wanted = names[0]
            if wanted not in names:
                abort(404)
            data = (Path(tmp) / wanted).read_bytes()
    return send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=Path(wanted).name,
    )


@bp.route("/onboarding/test", methods=["POST"])
@staff_required(OWNER)
def send_test_email() -> ResponseReturnValue:
    """Email the signed-in owner a test with a link that confirms it arrived."""
    c = wismo()
    to = me().email  # the signed-in person only (issue 16 item 4)
    with c.session() as s:
        shop = current_shop(s)
    if not admin_send_allowed(shop.id):
        flash(_("Too many test messages for now. Please try again in an hour."), "error")
        return redirect(url_for("admin.onboarding"))
    link = c.links.public_url + url_for(
        "admin.confirm_test", token=c.links.token(TEST_RECEIVED, shop.id)
    )
    hello = _("Hello from Wismo! This test shows that email from {shop} reaches you.")
    confirm = _("Confirm it arrived")
    text = f"{hello.format(shop=shop.name)}\n\n{confirm}: {link}\n"
    html = str(
        Markup('<p>{}</p><p><a href="{}">{}</a></p>').format(
            escape(hello).format(shop=Markup("<b>{}</b>").format(shop.name)), link, confirm
        )
    )
    subject = _("Wismo test for {shop}", shop=shop.name)
    try:  # no transaction is open while a provider is called
        sent = send_direct(c, shop, "email", to, text, subject, html)
    except SendFailed as exc:
        flash(_("The test could not be sent: {reason}", reason=exc), "error")
        return redirect(url_for("admin.onboarding"))
    with c.session() as s, s.begin():
        set_admin_state(
            current_shop(s), test_sent_at=utcnow().isoformat(), test_sent_via=sent.provider
        )
    flash(
        _(
            "Test sent to {to} through {provider}. Open the link in it.",
            to=to,
            provider=sent.provider,
        )
    )
    return redirect(url_for("admin.onboarding"))


@bp.route("/confirm/<token>")
def confirm_test(token: str) -> ResponseReturnValue:
    """The link in the test email: its arrival is the proof the sender works."""
    c = wismo()
    ids = c.links.read(TEST_RECEIVED, token, max_age=7 * 86400)
    if not ids:
        abort(404)
    with c.session() as s, s.begin():
        shop = s.get(Shop, ids[0])
        if shop is None:
            abort(404)
        set_admin_state(shop, test_received_at=utcnow().isoformat())
        name = shop.name
    return render_template("admin/confirmed.html", shop_name=name)
