"""The per-shop monthly SMS cap: warn the merchant as it nears, refuse at the cap.

Shop setting `sms_cap`: {"segments": 2000, "warn_at": 0.8}. Usage is counted in billed
segments of the SMS sent (or being sent) since the start of the month in the shop's
time zone, from the stored message texts. What the admin shows lives in
`shop.state["sms_cap"]`: {"month", "used", "cap", "warned_at", "reached_at", "warn_error"}
(why the merchant's warning could not be sent; a transient failure is retried). Two
workers sending at the same moment may overshoot the cap by one message each.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.channels.base import OutboundMessage
from core.domain.rules import zone
from core.domain.sms import count_segments
from core.domain.states import MessageState
from core.i18n import NP_
from core.shop_settings import settings_of
from core.storage.models import Notification, Shop

from .outbound import Providers, send_now

log = logging.getLogger(__name__)

WARNINGS = (
    NP_("sms cap", "{shop}: {used} of {cap} SMS used this month"),
    NP_(
        "sms cap",
        "Your shop {shop} has used {used} of its {cap} SMS segments for {month}. At the "
        "cap, Wismo stops sending SMS until next month (messages fall back to the next "
        "channel of your failover order). Raise sms_cap.segments to send more.",
    ),
)


def month_start(shop: Shop, now: datetime) -> datetime:
    """Midnight on the first of this month, in the shop's time zone."""
    local = now.astimezone(zone(settings_of(shop).timezone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def used_segments(session: Session, shop: Shop, since: datetime, exclude: int) -> int:
    """Segments of the shop's SMS sent, or claimed for sending, since `since`."""
    texts = session.scalars(
        select(Notification.body_text).where(
            Notification.shop_id == shop.id,
            Notification.channel == "sms",
            Notification.id != exclude,
            or_(
                and_(Notification.state == MessageState.SENT, Notification.sent_at >= since),
                and_(Notification.state == MessageState.SENDING, Notification.claimed_at >= since),
            ),
        )
    )
    return sum(count_segments(t or "").segments for t in texts)


def admit(session: Session, shop: Shop, note: Notification, now: datetime) -> str | None:
    """None when this SMS fits the month's cap; the refusal reason when it does not."""
    conf = settings_of(shop).sms_cap
    cap = conf.segments
    if not cap:
        return None
    session.refresh(shop, with_for_update=True)  # shop.state is shared with the adapters
    start = month_start(shop, now)
    used = used_segments(session, shop, start, note.id)
    this = count_segments(note.body_text or "").segments
    month = start.strftime("%Y-%m")
    state = dict((shop.state or {}).get("sms_cap") or {})
    if state.get("month") != month:
        state = {"month": month}
    state.update(used=used, cap=cap)
    refusal = None
    if used + this > cap:
        state.setdefault("reached_at", now.isoformat())
        refusal = f"monthly SMS cap reached ({used} of {cap} segments used)"
    elif used + this >= conf.warn_at * cap and "warned_at" not in state:
        state["warned_at"] = now.isoformat()
        state["notify"] = True  # the merchant's email goes out after this send (notify_merchant)
        log.warning(
            "shop %s has used %d of its %d SMS segments this month", shop.key, used + this, cap
        )
    if state != (shop.state or {}).get("sms_cap"):
        shop.state = {**(shop.state or {}), "sms_cap": state}
    return refusal


def notify_merchant(sessions: sessionmaker[Session], providers: Providers, shop_id: int) -> bool:
    """Email the shop's support address once when the cap warning was raised; True if sent.

    The flag is cleared in the same transaction that reads it, so the warning goes out at
    most once even when several workers pass the threshold together.
    """
    with sessions() as session, session.begin():
        # every SMS send asks; only a raised flag is worth locking the shop row for
        state_now = session.scalar(select(Shop.state).where(Shop.id == shop_id)) or {}
        if not (state_now.get("sms_cap") or {}).get("notify"):
            return False
        shop = session.get(Shop, shop_id, with_for_update=True)
        state = dict(((shop.state if shop else None) or {}).get("sms_cap") or {})
        if shop is None or not state.pop("notify", False):
            return False
        shop.state = {**(shop.state or {}), "sms_cap": state}
        to = settings_of(shop).branding.support_email
        chain = providers.for_shop(shop, "email")
        locale = settings_of(shop).locale
        subject, text = (marked(locale) for marked in WARNINGS)
        facts = {
            "shop": shop.name,
            "used": state.get("used"),
            "cap": state.get("cap"),
            "month": state.get("month"),
        }
        message = OutboundMessage(
            notification_id=0,
            shop_id=shop.id,
            kind="email",
            to=str(to or ""),
            subject=subject.format(**facts),
            text=text.format(**facts),
            idempotency_key=f"smscap-{shop.key}-{state.get('month')}",
            metadata={"shop": shop.key, "purpose": "sms_cap_warning"},
        )
    if not to:
        log.warning("shop %s has no branding.support_email for the SMS cap warning", shop_id)
        return False
    sent = send_now(providers.channels, chain, message)
    if not sent.ok:
        log.warning("SMS cap warning for shop %s not sent: %s", shop_id, sent.error)
        # recorded for the admin; a transient failure is tried again by the next SMS sent
        _note(sessions, shop_id, warn_error=sent.error[:300], notify=sent.transient or None)
    elif "warn_error" in state:
        _note(sessions, shop_id, warn_error=None)
    return sent.ok


def _note(sessions: sessionmaker[Session], shop_id: int, **changes: object) -> None:
    """Update the shop's SMS-cap state (None removes a key) in its own transaction."""
    with sessions() as session, session.begin():
        shop = session.get(Shop, shop_id, with_for_update=True)
        if shop is None:
            return
        state = {**((shop.state or {}).get("sms_cap") or {}), **changes}
        state = {k: v for k, v in state.items() if v is not None}
        shop.state = {**(shop.state or {}), "sms_cap": state}
