"""The merchant's daily digest: what needs attention, by email, in the merchant's language.

Once a day, after 08:00 in the shop's zone, each shop with the digest on (`care.digest`)
gets one email listing its open orders that are late, stalled, waiting at a pickup point
past the deadline, in trouble (failed attempt, refused, returned) or whose tracking number
no carrier knows. Nothing is sent when the list is empty. The day sent is kept in
`shops.state["digest_day"]`, written before sending, so a restart never sends it twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified

from core.channels.base import OutboundMessage
from core.domain.rules import zone
from core.errors import ConfigError
from core.i18n import NP_, Marked, npgettext, pgettext
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import FollowedParcel, Order, Shop, StaffUser

from .care_view import PROBLEM_WORDS, care_list
from .outbound import Providers, send_now

log = logging.getLogger(__name__)
SEND_AFTER = time(8, 0)
KINDS = ("late", "stalled", "pickup", "problem", "not_found")


@dataclass
class Attention:
    """Open orders needing attention, by kind: [(order number, detail)]."""

    items: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.items.values())


def attention(s: Session, shop_id: int, now: datetime) -> Attention:
    """The shop's open orders that need the merchant: the Care page's list and unknown numbers."""
    found = Attention({k: [] for k in KINDS})
    seen: set[tuple[str, int]] = set()
    for item in reversed(care_list(s, shop_id, now)):
        if (item.rule, item.order_id) in seen:
            continue
        seen.add((item.rule, item.order_id))
        found.items[item.rule].append((item.number, item.kind if item.rule == "problem" else ""))
    for number, parcel in s.execute(
        select(Order.number, FollowedParcel.number)
        .join(
            Order,
            (Order.shop_id == FollowedParcel.shop_id)
            & (Order.external_id == FollowedParcel.order_external_id),
        )
        .where(
            FollowedParcel.shop_id == shop_id,
            FollowedParcel.flagged_at.is_not(None),
            FollowedParcel.ended_at.is_(None),
        )
    ):
        found.items["not_found"].append((number, parcel))
    return found


def recipient(s: Session, shop: Shop) -> str | None:
    """Where the digest goes: the reports address, else support email, else the first owner."""
    settings = settings_of(shop)
    to = settings.problem_reports.email or settings.branding.support_email
    if to:
        return str(to)
    return s.scalar(
        select(StaffUser.email)
        .where(StaffUser.shop_id == shop.id, StaffUser.role == "owner")
        .order_by(StaffUser.id)
    )


HEADINGS: dict[str, Marked] = {
    "late": NP_("care", "Late: past the estimated delivery date"),
    "stalled": NP_("care", "Stalled: no carrier scan for too long"),
    "pickup": NP_("care", "Waiting at a pickup point past the deadline"),
    "problem": NP_("care", "Delivery problems: failed attempt, refused or returned"),
    "not_found": NP_("care", "Tracking numbers no carrier knows"),
}


def compose(shop: Shop, found: Attention, admin_url: str) -> tuple[str, str]:
    """The digest's subject and text, in the merchant's language."""
    locale = settings_of(shop).locale
    total = sum(len(v) for v in found.items.values())
    subject = npgettext(
        "care",
        "{shop}: {n} order needs attention",
        "{shop}: {n} orders need attention",
        total,
        locale,
        shop=shop.name,
        n=total,
    )
    lines = [subject, ""]
    for kind in KINDS:
        items = found.items.get(kind) or []
        if not items:
            continue
        lines.append(f"{HEADINGS[kind](locale)} ({len(items)})")
        for number, detail in items[:50]:
            words = PROBLEM_WORDS[detail](locale) if detail in PROBLEM_WORDS else detail
            lines.append(f"  {number}" + (f" · {words}" if words else ""))
        lines.append("")
    lines.append(pgettext("care", "Every order and its history: {url}", locale, url=admin_url))
    return subject, "\n".join(lines)


def digest_tick(
    sessions: sessionmaker[Session],
    providers: Providers,
    public_url: str,
    now: datetime | None = None,
) -> int:
    """Send today's digest to each shop due one; returns how many were sent."""
    now = now or utcnow()
    sent = 0
    with sessions() as s:
        shop_ids = s.scalars(select(Shop.id).where(Shop.active.is_(True))).all()
    for shop_id in shop_ids:
        with sessions() as s:
            with s.begin():
                shop = s.get_one(Shop, shop_id, with_for_update=True)
                settings = settings_of(shop)
                local = now.astimezone(zone(settings.timezone))
                day = local.date().isoformat()
                if not settings.care.digest or local.time() < SEND_AFTER:
                    continue
                if (shop.state or {}).get("digest_day") == day:
                    continue
                shop.state = {**(shop.state or {}), "digest_day": day}
                flag_modified(shop, "state")
                found = attention(s, shop_id, now)
                to = recipient(s, shop) if found else None
                if not found or not to:
                    continue
                subject, text = compose(shop, found, f"{public_url}/admin/care")
                try:
                    chain = providers.for_shop(shop, "email")
                except ConfigError as exc:
                    log.warning("shop %s: no digest sent: %s", shop.key, exc)
                    continue
                message = OutboundMessage(
                    notification_id=0,
                    shop_id=shop.id,
                    kind="email",
                    to=to,
                    text=text,
                    subject=subject,
                    idempotency_key=f"digest-{shop.id}-{day}",
                    metadata={"event_type": "care.digest", "shop": shop.key},
                )
        result = send_now(providers.channels, chain, message)
        sent += int(result.ok)
        if not result.ok:
            log.warning("shop %s: the care digest failed: %s", shop_id, result.error)
    return sent
