"""Emailing a staff member a sign-in link, as a job (issue 16 item 8).

The web request only looks the address up and queues `core.jobs.sign_in_link` with the
staff id, or with 0 for an unknown address, so the request does the same work either way
and answers in the same time; this job builds the link and sends it on the shop's email
providers (the same ones its notifications use).
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from core.channels.base import OutboundMessage
from core.crypto import new_token
from core.errors import ConfigError
from core.i18n import LOCALES, gettext
from core.links import Links
from core.services.outbound import Providers, send_now
from core.services.staff import MAGIC_MAX_AGE, sign_in_token
from core.storage.models import Shop, StaffUser

log = logging.getLogger(__name__)

PATH = "/admin/sign-in/link/"  # webapp/admin/auth.py: redeem_link


def send_sign_in_link(
    sessions: sessionmaker[Session],
    links: Links,
    providers: Providers,
    staff_id: int,
    language: int = 0,
) -> bool:
    """Email `staff_id` a single-use sign-in link in their language (else LOCALES[language]);
    False when there is no one to send to."""
    if staff_id <= 0:  # an unknown address: nothing to send, by design
        return False
    with sessions() as s:
        staff = s.get(StaffUser, staff_id)
        shop = s.get(Shop, staff.shop_id) if staff is not None else None
        if staff is None or shop is None or not shop.active:
            return False
        url = links.public_url + PATH + sign_in_token(links, staff)
        to = staff.email
        asked = LOCALES[language] if 0 <= language < len(LOCALES) else "en"
        locale = staff.locale or asked  # their language, else the asking browser's
        s.expunge(shop)
    text = gettext(
        "Sign in to the Wismo admin of {shop}:\n\n{url}\n\nThe link works once, for "
        "{minutes} minutes. If you did not ask for it, ignore this email.",
        locale,
        shop=shop.name,
        url=url,
        minutes=MAGIC_MAX_AGE // 60,
    )
    try:
        chosen = providers.for_shop(shop, "email")
    except ConfigError as exc:
        log.warning("sign-in link for staff %s not sent: %s", staff_id, exc)
        return False
    message = OutboundMessage(
        notification_id=0,
        shop_id=shop.id,
        kind="email",
        to=to,
        text=text,
        subject=gettext("Your Wismo sign-in link", locale),
        html=None,
        idempotency_key=f"admin-sign-in-{new_token(8)}",
        metadata={"shop": shop.key, "purpose": "sign-in"},
    )
    sent = send_now(providers.channels, chosen, message)
    if sent.provider is None:
        log.warning("sign-in link for staff %s not sent: %s", staff_id, sent.error)
        return False
    return True
