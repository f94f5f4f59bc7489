"""Shoppers: who they are, where they can be reached, and where they said stop."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from core import registry
from core.channels.kinds import messenger_address
from core.channels.phones import e164_in, region_of, to_e164
from core.domain.events import CustomerInfo
from core.shop_settings import settings_of
from core.storage.models import Customer, OptOut, Order, Shop


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
    if phone:  # the typed text stays for people; the number found in it is what channels use
        shop = session.get(Shop, order.shop_id)
        customer.phone_e164 = e164_in(phone, region_of(settings_of(shop).country if shop else None))
    return customer


def name_on(order: Order) -> str | None:
    """The name given on this order (for orders stored before it was kept: the customer's)."""
    if order.customer_name:
        return order.customer_name
    return order.customer.name if order.customer is not None else None


def address_for(channel: str, customer: Customer | None, region: str | None = None) -> str | None:
    """Where a message on `channel` goes for this customer (None: unreachable there).

    Each message kind brings its own resolver (`MessageKind.address`): phone numbers come
    back in E.164, read with the store's country (`region`); messengers need an opt-in.
    """
    kind = registry.kind(channel)
    if customer is None or kind is None or kind.address is None:
        return None
    return kind.address(customer, region)


def opt_in_channels() -> tuple[str, ...]:
    """Kinds a shopper joins through an opt-in link; the address is a chat or user id."""
    return tuple(name for name, k in registry.kinds().items() if k.opt_in)


def reachable_channels(shop: Shop, customer: Customer | None) -> set[str]:
    """The channels this shopper can be reached on in this shop."""
    region = region_of(settings_of(shop).country)
    reachable = set()
    for name, kind in registry.kinds().items():
        if kind.address is None:
            if settings_of(shop).providers(name):
                reachable.add(name)  # the merchant's own system: no shopper address needed
        elif address_for(name, customer, region):
            reachable.add(name)
    return reachable


def opt_outs_of(session: Session, shop_id: int, customer: Customer | None) -> list[OptOut]:
    """Every "stop" this shopper has said to this shop, on any of their addresses, oldest first."""
    if customer is None:
        return []
    region = region_of(settings_of(shop).country) if (shop := session.get(Shop, shop_id)) else None
    addresses = [
        a
        for a in (
            customer.email,
            customer.phone,
            to_e164(customer.phone, region),
            *(messenger_address(customer, ch) for ch in opt_in_channels()),
        )
        if a
    ]
    if not addresses:
        return []
    return list(
        session.scalars(
            select(OptOut)
            .where(OptOut.shop_id == shop_id, OptOut.address.in_(addresses))
            .order_by(OptOut.created_at, OptOut.id)
        )
    )


def opted_out_channels(session: Session, shop_id: int, customer: Customer | None) -> set[str]:
    """The channels this shopper has said stop on."""
    return {o.channel for o in opt_outs_of(session, shop_id, customer)}


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
