"""Shoppers: who they are, where they can be reached, and where they said stop."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from core.domain.events import CustomerInfo
from core.storage.models import Customer, OptOut, Order, Shop

PHONE_CHANNELS = ("sms", "whatsapp")


def normalize_email(email: str | None) -> str | None:
    """Lower-cased and trimmed, or None when empty."""
    return email.strip().lower() if email and email.strip() else None


def customer_for(order: Order, info: CustomerInfo) -> Customer:
    """The shop's customer with this email (or phone), created or updated from `info`."""
    session = object_session(order)
    assert session is not None
    email, phone = normalize_email(info.email), (info.phone or "").strip() or None
    customer = order.customer
    if customer is None and (email or phone):
        match = [Customer.email == email] if email else [Customer.phone == phone]
        customer = session.scalars(
            select(Customer).where(Customer.shop_id == order.shop_id, *match).limit(1)
        ).first()
    if customer is None:
        customer = Customer(shop_id=order.shop_id)
        session.add(customer)
    for attr, value in (
        ("name", info.name),
        ("email", email),
        ("phone", phone),
        ("locale", info.locale),
        ("timezone", info.timezone),
        ("external_id", info.external_id),
    ):
        if value:
            setattr(customer, attr, value)
    return customer


def address_for(channel: str, customer: Customer | None) -> str | None:
    """Where a message on `channel` goes for this customer (None: unreachable there)."""
    if customer is None:
        return None
    if channel == "email":
        return customer.email
    if channel in PHONE_CHANNELS:
        return customer.phone
    return None


def reachable_channels(shop: Shop, customer: Customer | None) -> set[str]:
    """The channels this shopper can be reached on in this shop."""
    reachable = {ch for ch in ("email", *PHONE_CHANNELS) if address_for(ch, customer)}
    if (shop.settings or {}).get("channels", {}).get("webhook"):
        reachable.add("webhook")  # the merchant's own system: no shopper address needed
    return reachable


def opted_out_channels(session: Session, shop_id: int, customer: Customer | None) -> set[str]:
    """The channels this shopper has said stop on."""
    if customer is None:
        return set()
    addresses = [a for a in (customer.email, customer.phone) if a]
    if not addresses:
        return set()
    rows = session.scalars(
        select(OptOut.channel).where(OptOut.shop_id == shop_id, OptOut.address.in_(addresses))
    )
    return set(rows)


def record_opt_out(
    session: Session, shop_id: int, channel: str, address: str, reason: str | None = None
) -> None:
    """Remember that this address wants nothing more on this channel (idempotent)."""
    exists = session.scalar(
        select(OptOut.id).where(
            OptOut.shop_id == shop_id, OptOut.channel == channel, OptOut.address == address
        )
    )
    if exists is None:
        session.add(OptOut(shop_id=shop_id, channel=channel, address=address, reason=reason))
