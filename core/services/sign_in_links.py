"""Emailing a staff member a sign-in link, as a job (issue 16 item 8).

The web request only looks the address up and queues `core.jobs.sign_in_link` with the
staff id, or with 0 for an unknown address, so the request does the same work either way
and answers in the same time; this job builds the link and sends it on the shop's email
providers (the same ones its notifications use).
"""

from __future__ import annotations

import logging

from core.bootstrap import Container
from core.channels.base import OutboundMessage
from core.crypto import new_token
from core.errors import ConfigError, PermanentChannelError, TransientChannelError
from core.services.delivery import providers_for
from core.services.staff import MAGIC_MAX_AGE, sign_in_token
from core.storage.models import Shop, StaffUser

log = logging.getLogger(__name__)

PATH = "/admin/sign-in/link/"  # webapp/admin/auth.py: redeem_link


def send_sign_in_link(c: Container, staff_id: int) -> bool:
    """Email `staff_id` a single-use sign-in link; False when there is no one to send to."""
    if staff_id <= 0:  # an unknown address: nothing to send, by design
        return False
    with c.session() as s:
        staff = s.get(StaffUser, staff_id)
        shop = s.get(Shop, staff.shop_id) if staff is not None else None
        if staff is None or shop is None or not shop.active:
            return False
        url = c.links.public_url + PATH + sign_in_token(c.links, staff)
        to = staff.email
        s.expunge(shop)
    text = (
        f"Sign in to the Wismo admin of {shop.name}:\n\n{url}\n\n"
        f"The link works once, for {MAGIC_MAX_AGE // 60} minutes. If you did not ask "
        "for it, ignore this email."
    )
    try:
        providers = providers_for(c, shop, "email")
    except ConfigError as exc:
        log.warning("sign-in link for staff %s not sent: %s", staff_id, exc)
        return False
    message = OutboundMessage(
        notification_id=0,
        shop_id=shop.id,
        kind="email",
        to=to,
        text=text,
        subject="Your Wismo sign-in link",
        html=None,
        idempotency_key=f"admin-sign-in-{new_token(8)}",
        metadata={"shop": shop.key, "purpose": "sign-in"},
    )
    for name, conf in providers:
        try:
            c.channel(name, conf).send(message)
            return True
        except (PermanentChannelError, TransientChannelError, ConfigError) as exc:
            log.warning(
                "sign-in link for staff %s: %s failed: %s", staff_id, name, type(exc).__name__
            )
    return False
