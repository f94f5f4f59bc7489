"""Finding a shopper's order from what they type: the order number plus their email or phone.

Failed lookups must be indistinguishable (no order, wrong contact, another shop's order),
so `find_order` always runs the same query and the same constant-time comparisons,
whether or not an order with that number exists.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from core.storage.models import Order, Shop

MAX_CANDIDATES = 20
_DUMMY = "\x00no-such-contact\x00"


def normalize_number(raw: str | None) -> str:
    """The order number as typed, without spaces and a leading '#' or '№' ('# 1001' -> '1001')."""
    text = re.sub(r"\s+", "", raw or "")
    return text.lstrip("#№").strip()[:64]


def number_variants(number: str) -> list[str]:
    """How the number may be stored: '#1001' or '1001', letters as typed or in capitals."""
    forms = dict.fromkeys((number, number.upper()))  # 'ua-1042' finds 'UA-1042'
    return [variant for form in forms for variant in (form, f"#{form}")] if number else []


def normalize_phone(raw: str | None, region: str | None = None) -> str:
    """E.164 when the number parses ('+380 50 123 45 67' -> '+380501234567'), else its digits."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, region)
        if phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return re.sub(r"\D", "", text)


def _region_of(stored: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(stored, None))
    except phonenumbers.NumberParseException:
        return None


def same_contact(given: str, email: str | None, phone: str | None) -> bool:
    """Whether what the shopper typed is this customer's email or phone (constant time)."""
    given = given.strip()
    if "@" in given:
        mine, theirs = given.lower(), (email or _DUMMY).strip().lower()
    else:
        stored = phone or ""
        mine = normalize_phone(given, _region_of(stored) if stored else None) or _DUMMY
        theirs = normalize_phone(stored) or _DUMMY + "!"
    return hmac.compare_digest(mine.encode(), theirs.encode())


def find_order(session: Session, number: str, contact: str, shop_id: int | None) -> Order | None:
    """The order with this number whose customer has this email or phone, else None.

    `shop_id` narrows the search to one shop (the widget, a shop's own lookup link);
    without it every active shop is searched and the most recent match wins.
    """
    number = normalize_number(number)
    query = (
        select(Order)
        .join(Shop, Shop.id == Order.shop_id)
        .where(Order.number.in_(number_variants(number) or [_DUMMY]), Shop.active.is_(True))
        .order_by(Order.id.desc())
        .limit(MAX_CANDIDATES)
        .options(lazyload(Order.shipments))  # parcels only once found: one query either way
    )
    if shop_id is not None:
        query = query.where(Order.shop_id == shop_id)
    candidates = list(session.scalars(query)) if number and contact.strip() else []
    found = None
    for order in candidates:
        customer = order.customer
        match = same_contact(contact, customer.email if customer else None, None)
        match |= same_contact(contact, None, customer.phone if customer else None)
        if match and found is None:
            found = order
    if not candidates:  # the same comparisons a real candidate costs, so a miss takes as long
        same_contact(contact or _DUMMY, _DUMMY, None)
        same_contact(contact or _DUMMY, None, _DUMMY)
    return found


def visitor_hash(secret: str, address: str, user_agent: str, day: str) -> str:
    """Who visited, as a salted daily hash: counts unique shoppers, keeps no IP address."""
    data = f"{address}|{user_agent}|{day}".encode()
    return hmac.new(secret.encode(), b"wismo.visitor." + data, hashlib.sha256).hexdigest()[:32]
