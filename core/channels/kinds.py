"""The message kinds the built-in channels bring, and where each one reaches a shopper.

Each is declared by the channels that define it (`ChannelMetadata.defines`), exactly as a
plug-in of a new kind declares its own; the host reads them from `core.registry.kinds()`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from core.plugins import MessageKind
from core.storage.models import ContactChannel

from .phones import to_e164


def email_address(customer: Any, region: str | None = None) -> str | None:
    """The shopper's email address."""
    return customer.email or None


def phone_address(customer: Any, region: str | None = None) -> str | None:
    """The shopper's phone in E.164, read with the store's country; None when not valid."""
    return to_e164(customer.phone, region) or customer.phone_e164


def opt_in_address(channel: str) -> Any:
    """A resolver: the chat or user id the shopper joined `channel` with."""

    def resolve(customer: Any, region: str | None = None) -> str | None:
        return messenger_address(customer, channel)

    return resolve


def messenger_address(customer: Any, channel: str) -> str | None:
    """The chat or user id this shopper joined `channel` with, unless it became unreachable."""
    session = object_session(customer)
    if session is None or customer.id is None:
        return None
    return session.scalar(
        select(ContactChannel.address).where(
            ContactChannel.shop_id == customer.shop_id,
            ContactChannel.customer_id == customer.id,
            ContactChannel.channel == channel,
            ContactChannel.unreachable_at.is_(None),
        )
    )


EMAIL = MessageKind("email", "email", email_address, order=10)
SMS = MessageKind("sms", "sms", phone_address, quiet=True, short_links=True, order=20)
WHATSAPP = MessageKind(
    "whatsapp", "messenger", phone_address, quiet=True, short_links=True, order=30
)
TELEGRAM = MessageKind(
    "telegram",
    "messenger",
    opt_in_address("telegram"),
    quiet=True,
    short_links=True,
    opt_in=True,
    order=40,
)
VIBER = MessageKind(
    "viber",
    "messenger",
    opt_in_address("viber"),
    quiet=True,
    short_links=True,
    opt_in=True,
    order=50,
)
WEBHOOK = MessageKind("webhook", "", None, order=90)  # the merchant's system: not rendered
