"""Messenger opt-in: a t.me / Viber link carrying a signed token, redeemed by the bot.

The token is made without a database write (the confirmation email and every view of
the tracking page can offer a link), and is recorded in `optin_tokens` when redeemed:
the unique token hash makes each token single-use. It carries the shop, order and
customer ids and an expiry hour, sealed with an HMAC of the service's secret key, and
is 38 characters of [A-Za-z0-9_-]: within Telegram's 64-character `start` parameter.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.i18n import NP_, Marked
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import ContactChannel, Customer, OptInToken, OptOut, Order, Shop
from core.storage.upsert import insert_ignore

from .contacts import opt_in_channels

LIFETIME = timedelta(days=30)
_PAYLOAD = struct.Struct(">IIII")  # shop id, order id, customer id, expiry (hours since epoch)
_MAC_BYTES = 12


@dataclass(frozen=True)
class Joined:
    """A redeemed opt-in: who joined, for which order."""

    shop_id: int
    order_id: int
    customer_id: int
    order_number: str


def _mac(key: str, payload: bytes) -> bytes:
    return hmac.new(("wismo.optin:" + key).encode(), payload, hashlib.sha256).digest()[:_MAC_BYTES]


def make_token(
    secret_key: str, shop_id: int, order_id: int, customer_id: int, now: datetime
) -> str:
    """A signed opt-in token for this order and shopper, valid for LIFETIME."""
    expires = int((now + LIFETIME).timestamp() // 3600)
    payload = _PAYLOAD.pack(shop_id, order_id, customer_id, expires)
    raw = payload + _mac(secret_key, payload)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_token(keys: tuple[str, ...], token: str, now: datetime) -> tuple[int, int, int] | None:
    """(shop id, order id, customer id) of a genuine, unexpired token; None otherwise."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != _PAYLOAD.size + _MAC_BYTES:
        return None
    payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    if not any(hmac.compare_digest(_mac(k, payload), mac) for k in keys):
        return None
    shop_id, order_id, customer_id, expires = _PAYLOAD.unpack(payload)
    if expires * 3600 < now.timestamp():
        return None
    return shop_id, order_id, customer_id


def redeem(
    session: Session,
    keys: tuple[str, ...],
    shop: Shop,
    channel: str,
    token: str,
    address: str,
    now: datetime,
) -> Joined | None:
    """Bind `address` (chat / user id) to the token's shopper on `channel`, once.

    None when the token is forged, expired, for another shop or already used. Joining
    again lifts an earlier opt-out of that chat (the shopper asked to hear from us).
    """
    ids = read_token(keys, token, now)
    if ids is None or ids[0] != shop.id:
        return None
    _, order_id, customer_id = ids
    order = session.scalar(
        select(Order).where(
            Order.shop_id == shop.id, Order.id == order_id, Order.customer_id == customer_id
        )
    )
    if order is None or session.get(Customer, customer_id) is None:
        return None
    first = session.scalar(
        insert_ignore(session, OptInToken)
        .values(
            shop_id=shop.id,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            channel=channel,
            order_id=order_id,
            customer_id=customer_id,
            expires_at=now + LIFETIME,
            used_at=now,
            created_at=now,
        )
        .returning(OptInToken.id)
    )
    if first is None:
        return None  # used before
    contact = session.scalar(
        select(ContactChannel).where(
            ContactChannel.shop_id == shop.id,
            ContactChannel.customer_id == customer_id,
            ContactChannel.channel == channel,
        )
    )
    if contact is None:
        session.add(
            ContactChannel(
                shop_id=shop.id, customer_id=customer_id, channel=channel, address=address
            )
        )
    else:
        contact.address, contact.unreachable_at = address, None
    session.execute(
        delete(OptOut).where(
            OptOut.shop_id == shop.id, OptOut.channel == channel, OptOut.address == address
        )
    )
    return Joined(shop.id, order_id, customer_id, order.number)


def mark_unreachable(
    session: Session, shop_id: int, channel: str, address: str, now: datetime
) -> None:
    """The chat blocked the bot (or left): stop using it until the shopper joins again."""
    for contact in session.scalars(
        select(ContactChannel).where(
            ContactChannel.shop_id == shop_id,
            ContactChannel.channel == channel,
            ContactChannel.address == address,
        )
    ):
        contact.unreachable_at = now


def mark_reachable(session: Session, shop_id: int, channel: str, address: str) -> None:
    """The user (re)subscribed: messages may reach this chat again."""
    for contact in session.scalars(
        select(ContactChannel).where(
            ContactChannel.shop_id == shop_id,
            ContactChannel.channel == channel,
            ContactChannel.address == address,
        )
    ):
        contact.unreachable_at = None


def opt_in_links(
    secret_key: str, shop: Shop, order: Order, providers: dict[str, dict], now: datetime
) -> dict[str, str]:
    """The messenger links to offer for this order: {"telegram": "https://t.me/...", ...}.

    `providers` maps a channel to its first provider's settings (bot_username, bot_uri).
    """
    if order.customer_id is None:
        return {}
    token = make_token(secret_key, shop.id, order.id, order.customer_id, now or datetime.now(UTC))
    links = {}
    bot = (providers.get("telegram") or {}).get("bot_username")
    if bot:
        links["telegram"] = f"https://t.me/{quote(str(bot).lstrip('@'))}?start={token}"
    uri = (providers.get("viber") or {}).get("bot_uri")
    if uri:
        links["viber"] = f"viber://pa?chatURI={quote(str(uri))}&context={token}"
    return links


LINK_LABELS: dict[str, Marked] = {
    "telegram": NP_("messenger", "Get updates in Telegram"),
    "viber": NP_("messenger", "Get updates in Viber"),
}


def messenger_links(secret_key: str, shop: Shop, order: Order) -> dict[str, str]:
    """Opt-in links for the shop's Telegram / Viber bots, to offer in emails and on pages."""
    settings = settings_of(shop)
    firsts = {
        ch: settings.providers(ch)[0].config() for ch in opt_in_channels() if settings.providers(ch)
    }
    if not firsts:
        return {}
    return opt_in_links(secret_key, shop, order, firsts, utcnow())


def messenger_options(
    secret_key: str, shop: Shop, order: Order, locale: str
) -> list[dict[str, str]]:
    """The tracking page's opt-in links: [{"channel", "url", "label"}] for the shop's bots."""
    return [
        {"channel": ch, "url": url, "label": LINK_LABELS[ch](locale)}
        for ch, url in messenger_links(secret_key, shop, order).items()
    ]
