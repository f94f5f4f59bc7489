"""The shop's sender address (owners): verify its domain by a link mailed to it, or by a DNS
TXT record on it (issue 16 item 4).

Until the domain is verified, mail through the shared relay goes from Wismo's own address
with the shop's name and Reply-To (core/services/sender.py). The confirmation link is the
proof: only someone who reads mail at that domain can open it.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from core.services.sender import (
    LINK_DAYS,
    confirmation_token,
    dns_token,
    domain_of,
    is_verified,
    mark_verified,
    read_confirmation,
    verify_by_dns,
)
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Shop

from ..context import wismo
from .access import OWNER, current_shop, staff_required
from .blueprint import bp
from .i18n import _
from .sending import SendFailed, send_direct
from .throttle import admin_send_allowed

BACK = "#branding"


@bp.route("/settings/sender/verify", methods=["POST"])
@staff_required(OWNER)
def verify_sender() -> ResponseReturnValue:
    """Mail a confirmation link to the sender address (from Wismo's own address)."""
    c = wismo()
    back = url_for("admin.settings") + BACK
    with c.session() as s:
        shop = current_shop(s)
    address = settings_of(shop).branding.sender_email
    if not address:
        flash(_("Save the address to send from first."), "error")
        return redirect(back)
    if is_verified(shop, address):
        flash(_("{domain} is already verified.", domain=domain_of(address)))
        return redirect(back)
    if not admin_send_allowed(shop.id):
        flash(_("Too many test messages for now. Please try again in an hour."), "error")
        return redirect(back)
    token = confirmation_token(c.links, shop, address)
    link = c.links.public_url + url_for("admin.confirm_sender", token=token)
    lead = _(
        "Someone asked Wismo to send the order emails of {shop} from {address}. "
        "If that was you, open this link to confirm that {domain} is yours "
        "(it works for {days} days):",
        shop=shop.name,
        address=address,
        domain=domain_of(address),
        days=LINK_DAYS,
    )
    ignore = _("If not, ignore this email: nothing changes.")
    text = f"{lead}\n\n{link}\n\n{ignore}\n"
    html = str(
        Markup('<p>{}</p><p><a href="{}">{}</a></p><p>{}</p>').format(
            lead, link, _("Confirm {domain}", domain=domain_of(address)), ignore
        )
    )
    subject = _("Confirm the sender address for {shop}", shop=shop.name)
    try:
        send_direct(c, shop, "email", address, text, subject, html, purpose="sender")
    except SendFailed as exc:
        flash(_("The confirmation could not be sent: {reason}", reason=exc), "error")
        return redirect(back)
    flash(_("A confirmation link is on its way to {address}.", address=address))
    return redirect(back)


@bp.route("/settings/sender/check-dns", methods=["POST"])
@staff_required(OWNER)
def check_sender_dns() -> ResponseReturnValue:
    """Look for the shop's TXT record on the sender's domain; verify it when it is there."""
    c = wismo()
    back = url_for("admin.settings") + BACK
    with c.session() as s, s.begin():
        shop = current_shop(s)
        domain = domain_of(settings_of(shop).branding.sender_email)
        if not domain:
            flash(_("Save the address to send from first."), "error")
            return redirect(back)
        found = verify_by_dns(
            shop, domain, c.settings.secret_key, c.settings.dns_nameserver, utcnow()
        )
    if found:
        flash(_("{domain} is verified: email now goes from your address.", domain=domain))
    else:
        flash(
            _(
                "No TXT record {record} on {domain} yet. DNS changes can take up to an hour "
                "to show.",
                record=dns_token(c.settings.secret_key, shop.id, domain),
                domain=domain,
            ),
            "error",
        )
    return redirect(back)


@bp.route("/sender/confirm/<token>")
def confirm_sender(token: str) -> ResponseReturnValue:
    """The link in the confirmation email: whoever reads mail at the domain vouches for it."""
    c = wismo()
    found = read_confirmation(c.links, token)
    if found is None:  # forged or too old: the plain 404, as every signed admin link
        abort(404)
    shop_id, domain = found
    with c.session() as s, s.begin():
        shop = s.get(Shop, shop_id)
        if shop is not None:
            mark_verified(shop, domain, utcnow())
    flash(_("{domain} is verified: email now goes from your address.", domain=domain))
    return redirect(url_for("admin.settings") + BACK)
