"""Emailing the merchant when a store's link to Wismo breaks, and when it works again.

The store plug-ins raise their own admin notice and the admin shows the link report;
neither helps a merchant who is not looking. The scheduler asks `link_alert_tick` every
few seconds: a shop whose link is in trouble (`core.services.link.link_trouble`) and has
not been alerted yet gets one email to each owner, in their admin language; the alert
is remembered in `shop.state["link"]["alert"]` until the link works again, which sends
one more email. So a breakage that lasts a week is one email, not one per failure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.channels.base import OutboundMessage
from core.errors import ConfigError
from core.i18n import gettext, ngettext
from core.links import Links
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Shop, StaffUser

from .link import UNDELIVERED_BY, link_state, link_trouble, put_link
from .outbound import Providers, send_now

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=10)
"""When no email of an alert could be sent, the next try waits this long."""

ADMIN_PATH = "/admin/"


@dataclass(frozen=True)
class Recipient:
    """Someone to tell, and the language to tell them in."""

    email: str
    locale: str


def link_alert_tick(
    sessions: sessionmaker[Session],
    providers: Providers,
    links: Links,
    now: datetime | None = None,
) -> int:
    """Email the owners of each shop whose link just broke or just came back; emails sent."""
    now = now or utcnow()
    with sessions() as s:
        shop_ids = s.scalars(select(Shop.id).where(Shop.active.is_(True))).all()
    return sum(_alert_shop(sessions, providers, links, shop_id, now) for shop_id in shop_ids)


def _alert_shop(
    sessions: sessionmaker[Session], providers: Providers, links: Links, shop_id: int, now: datetime
) -> int:
    with sessions() as s, s.begin():
        shop = s.get(Shop, shop_id, with_for_update=True)
        if shop is None:
            return 0
        state = link_state(shop)
        alert = state.get("alert")
        retry = state.get("alert_retry_at")
        if retry and datetime.fromisoformat(retry) > now:
            return 0
        trouble = link_trouble(shop)
        if trouble is not None and not alert:
            kind = "broken"
            alert_now = {**trouble, "at": now.isoformat()}
            put_link(shop, alert=alert_now, alert_retry_at=None, alert_error=None)
        elif trouble is None and alert:
            kind = "recovered"
            put_link(
                shop,
                alert=None,
                recovered_at=now.isoformat(),
                alert_retry_at=None,
                alert_error=None,
            )
        else:
            return 0
        recipients = _recipients(s, shop)
        messages = [_message(shop, links, kind, trouble or alert or {}, r) for r in recipients]
        try:
            chain = providers.for_shop(shop, "email")
        except ConfigError as exc:
            chain, why = [], str(exc)
        else:
            why = "no owner or support address to write to" if not messages else ""
    sent = 0
    for message in messages if chain else []:
        result = send_now(providers.channels, chain, message)
        if result.ok:
            sent += 1
        else:
            why = result.error
    if not sent:  # nobody heard: undo, and try again later
        log.warning("link %s email for shop %s not sent: %s", kind, shop_id, why)
        _undo(sessions, shop_id, kind, alert, now, why)
    return sent


def _undo(
    sessions: sessionmaker[Session],
    shop_id: int,
    kind: str,
    alert: dict[str, Any] | None,
    now: datetime,
    why: str,
) -> None:
    """Put the alert back as it was, so a later tick sends it; remember why it failed."""
    with sessions() as s, s.begin():
        shop = s.get(Shop, shop_id, with_for_update=True)
        if shop is None:
            return
        put_link(
            shop,
            alert=None if kind == "broken" else alert,
            alert_retry_at=(now + RETRY_AFTER).isoformat(),
            alert_error=why[:300],
        )


def _recipients(s: Session, shop: Shop) -> list[Recipient]:
    """The shop's owners in their admin language; else its support address."""
    fallback = _language(settings_of(shop).locale)
    owners = s.scalars(
        select(StaffUser)
        .where(StaffUser.shop_id == shop.id, StaffUser.role == "owner")
        .order_by(StaffUser.id)
    ).all()
    if owners:
        return [Recipient(o.email, _language(o.locale or fallback)) for o in owners]
    support = settings_of(shop).branding.support_email
    return [Recipient(str(support), fallback)] if support else []


def _language(locale: str) -> str:
    return locale.replace("_", "-").split("-")[0].lower()


def _message(
    shop: Shop, links: Links, kind: str, trouble: dict[str, Any], to: Recipient
) -> OutboundMessage:
    """The email telling `to` that the link broke (and why), or that it works again."""
    loc = to.locale
    admin = links.public_url + ADMIN_PATH
    if kind == "broken":
        subject = gettext("Wismo has lost the link to {shop}", loc, shop=shop.name)
        text = gettext(
            "Wismo has lost the link to your store {shop}: until it is fixed, your "
            "customers may not hear about changes to their orders.\n\n"
            "What Wismo sees: {why}\n\n"
            "What to do: open the Wismo settings in your store's admin (WooCommerce > "
            "Wismo, or Extensions > Modules > Wismo in OpenCart), press Test connection "
            "and follow what it says. Wismo's admin shows the details: {admin}\n\n"
            "You get this email once, and one more when the link works again.",
            loc,
            shop=shop.name,
            why=_why(trouble, loc),
            admin=admin,
        )
    else:
        subject = gettext("The link between {shop} and Wismo works again", loc, shop=shop.name)
        text = gettext(
            "Wismo receives order updates from your store {shop} again. Updates that were "
            "held back meanwhile are being caught up; there is nothing more to do.\n\n"
            "Wismo's admin: {admin}",
            loc,
            shop=shop.name,
            admin=admin,
        )
    stamp = str(trouble.get("at") or "")
    return OutboundMessage(
        notification_id=0,
        shop_id=shop.id,
        kind="email",
        to=to.email,
        subject=subject,
        text=text,
        idempotency_key=f"link-{kind}-{shop.key}-{stamp}-{to.email}",
        metadata={"shop": shop.key, "purpose": f"link_{kind}"},
    )


def _why(trouble: dict[str, Any], loc: str) -> str:
    """What broke, in the merchant's words."""
    reason = trouble.get("reason")
    if reason == "refused":
        return ngettext(
            "Wismo turned away {n} update from your store because its signature did not "
            "match: the shop secret saved in the store is not the one Wismo has.",
            "Wismo turned away {n} updates from your store because their signature did "
            "not match: the shop secret saved in the store is not the one Wismo has.",
            int(trouble.get("count") or 0),
            loc,
        )
    if reason == UNDELIVERED_BY:
        return gettext(
            "your store stopped delivering order updates to Wismo (WooCommerce turned off "
            "Wismo's webhooks after failed deliveries). Wismo turned them on again and "
            "catches up with missed changes every 10 minutes.",
            loc,
        )
    return gettext(
        "your store refuses Wismo's requests: {error}",
        loc,
        error=str(trouble.get("error") or ""),
    )
