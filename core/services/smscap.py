"""The per-shop monthly SMS cap: warn the merchant as it nears, refuse at the cap.

Shop setting `sms_cap`: {"segments": 2000, "warn_at": 0.8}. Usage is counted in billed
segments of the SMS sent (or being sent) since the start of the month in the shop's
time zone, from the stored message texts. What the admin shows lives in
`shop.state["sms_cap"]`: {"month", "used", "cap", "warned_at", "reached_at"}. Two
workers sending at the same moment may overshoot the cap by one message each.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.domain.rules import zone
from core.domain.sms import count_segments
from core.storage.models import Notification, Shop

log = logging.getLogger(__name__)


def month_start(shop: Shop, now: datetime) -> datetime:
    """Midnight on the first of this month, in the shop's time zone."""
    local = now.astimezone(zone((shop.settings or {}).get("timezone")))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def used_segments(session: Session, shop: Shop, since: datetime, exclude: int) -> int:
    """Segments of the shop's SMS sent, or claimed for sending, since `since`."""
    texts = session.scalars(
        select(Notification.body_text).where(
            Notification.shop_id == shop.id,
            Notification.channel == "sms",
            Notification.id != exclude,
            or_(
                and_(Notification.state == "sent", Notification.sent_at >= since),
                and_(Notification.state == "sending", Notification.claimed_at >= since),
            ),
        )
    )
    return sum(count_segments(t or "").segments for t in texts)


def admit(session: Session, shop: Shop, note: Notification, now: datetime) -> str | None:
    """None when this SMS fits the month's cap; the refusal reason when it does not."""
    conf = (shop.settings or {}).get("sms_cap") or {}
    cap = conf.get("segments")
    if not isinstance(cap, int) or cap <= 0:
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
    elif used + this >= float(conf.get("warn_at") or 0.8) * cap and "warned_at" not in state:
        state["warned_at"] = now.isoformat()
        log.warning(
            "shop %s has used %d of its %d SMS segments this month", shop.key, used + this, cap
        )
    if state != (shop.state or {}).get("sms_cap"):
        shop.state = {**(shop.state or {}), "sms_cap": state}
    return refusal
