"""The onboarding checklist, computed from what has really happened for the shop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import registry
from core.bootstrap import Container
from core.domain.states import MessageState
from core.i18n import N_
from core.storage.models import Notification, OrderEvent, Shop

from .i18n import _, ngettext_, when


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    detail: str


def adapter_class(shop: Shop) -> Any:
    """The shop's platform adapter class, if installed."""
    found = registry.adapter(shop.platform)
    return found.plugin if found else None


def can_package_plugin(shop: Shop) -> bool:
    """Whether this platform ships a plug-in the admin can hand out pre-configured."""
    found = registry.adapter(shop.platform)
    return bool(found and found.can("store_plugin"))


def admin_state(shop: Shop) -> dict[str, Any]:
    return dict((shop.state or {}).get("admin") or {})


def set_admin_state(shop: Shop, **changes: Any) -> None:
    """Remember onboarding facts in shop.state["admin"] (a new dict, so JSON notices)."""
    state = dict(shop.state or {})
    state["admin"] = {**admin_state(shop), **changes}
    shop.state = state


def last_event_at(s: Session, shop: Shop) -> datetime | None:
    return s.scalar(select(func.max(OrderEvent.received_at)).where(OrderEvent.shop_id == shop.id))


def email_sender(c: Container, shop: Shop) -> str | None:
    """The provider real email goes out through, or None while it only reaches the outbox."""
    try:
        name = c.providers.for_shop(shop, "email")[0][0]
    except Exception:  # undecryptable credentials: not set up, as far as the merchant can tell
        return None
    return None if name == "outbox" else name


def platform_name(platform: str) -> str:
    """What the onboarding calls the merchant's side ("WooCommerce store", "order system")."""
    meta = registry.adapter_metadata(platform)
    if meta is None:
        return platform
    return meta.shop_label or f"{meta.label} store"


CONNECT = {
    "api": N_("Connect your order system"),
    "shopify": N_("Connect your Shopify store"),
    "woocommerce": N_("Connect your WooCommerce store"),
    "opencart": N_("Connect your OpenCart store"),
}


def checklist(c: Container, s: Session, shop: Shop) -> list[Step]:
    """Each onboarding step and whether reality says it is done."""
    events_at = last_event_at(s, shop)
    connected_at = (shop.state or {}).get("connected_at")
    platform = shop.platform
    sender = email_sender(c, shop)
    state = admin_state(shop)
    delivered = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.shop_id == shop.id, Notification.state == MessageState.SENT)
    )
    sent = s.scalar(delivered.where(Notification.provider != "outbox")) or 0
    outboxed = s.scalar(delivered.where(Notification.provider == "outbox")) or 0
    test_received = state.get("test_received_at")
    steps = [
        Step(
            "platform",
            _(CONNECT[platform])
            if platform in CONNECT
            else _("Connect your {platform}", platform=platform_name(platform)),
            bool(events_at or connected_at),
            _("Last order event received {when} UTC.", when=when(events_at))
            if events_at
            else _("Waiting for the first order event from your store."),
        ),
        Step(
            "sender",
            _("Set up the email sender"),
            sender is not None,
            _("Email goes out through {sender}.", sender=sender)
            if sender
            else _("Email only reaches the dev outbox: add your SMTP server in Settings."),
        ),
        Step(
            "test",
            _("Receive a test message"),
            bool(test_received),
            _("Received {when} UTC.", when=when(datetime.fromisoformat(test_received[:19])))
            if test_received
            else (
                _("Sent; open the link in it to confirm it arrived.")
                if state.get("test_sent_at")
                else _("Send yourself a test and open the link inside.")
            ),
        ),
        Step(
            "live",
            _("Notifications live"),
            bool(sent) and bool(shop.active),
            ngettext_(
                "{n} message sent to shoppers so far.",
                "{n} messages sent to shoppers so far.",
                sent,
            )
            if sent
            else ngettext_(
                "Not yet: {n} message went only to the dev outbox, no shopper received it. "
                "Set up the email sender (and an SMS provider for SMS) first.",
                "Not yet: {n} messages went only to the dev outbox, no shopper received them. "
                "Set up the email sender (and an SMS provider for SMS) first.",
                outboxed,
            )
            if outboxed
            else _("The first shopper message goes out with your next order update."),
        ),
    ]
    return steps
