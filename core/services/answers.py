"""Instant answers to "where is my order?" for a shop's chat or helpdesk.

The shopper's words decide the language and may carry the order number, email or phone.
Identity is checked as on the tracking page: an order number alone is not enough (anyone
can type a number), so the answer asks for the email or phone the order was placed with,
unless the caller is `trusted` (a signed-in support agent's sidebar).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.domain.language import (
    Identify,
    detect_language,
    find_email,
    find_order_number,
    find_phone,
)
from core.i18n import NP_, Marked
from core.languages import identify as lingua
from core.links import Links
from core.rendering import normalize_locale, sentence
from core.shop_settings import settings_of
from core.storage.models import Customer, Order, Shop

from .lookup import find_order, normalize_number, normalize_phone, number_variants
from .summary import order_summary

TEXT: dict[str, Marked] = {
    "status": NP_("chat answer", "Order {number}: {label}. {description}"),
    "edd": NP_("chat answer", "Estimated delivery: {edd}"),
    "overlay": NP_("chat answer", "{label}: {reason}"),
    "link": NP_("chat answer", "Track it here: {url}"),
    "ask_number": NP_(
        "chat answer",
        "I can check that for you. What is your order number (for example #1001)?",
    ),
    "ask_contact": NP_(
        "chat answer",
        "To show order {number}, please also give the email address or phone number you "
        "ordered with.",
    ),
    "not_found": NP_(
        "chat answer",
        "I could not find order {number} with those details. Please check the order number "
        "and the email or phone you ordered with.",
    ),
}


@dataclass(frozen=True)
class Question:
    """What the shopper wrote and whatever the chat already knows about them."""

    message: str
    email: str | None = None
    phone: str | None = None
    order_number: str | None = None
    locale: str | None = None
    trusted: bool = False


@dataclass
class Answer:
    """The reply, in the shopper's language, and the order it is about (if found)."""

    language: str
    answer: str
    intent: str  # status | need_order_number | need_contact | not_found
    needs: list[str] = field(default_factory=list)
    order: dict[str, Any] | None = None
    order_id: int | None = None  # for the caller's records; not part of the reply


def _latest_for_contact(
    session: Session, shop_id: int, email: str | None, phone: str | None
) -> Order | None:
    """The shopper's most recent order in this shop (for a trusted helpdesk only)."""
    clauses = []
    if email:
        clauses.append(Customer.email == email.strip().lower())
    if phone:
        clauses.append(Customer.phone == normalize_phone(phone))
    if not clauses:
        return None
    return session.scalar(
        select(Order)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Order.shop_id == shop_id, or_(*clauses))
        .order_by(Order.id.desc())
        .limit(1)
    )


def _find(
    session: Session, shop: Shop, q: Question, number: str, email: str | None, phone: str | None
) -> Order | str | None:
    """The order the question is about; None if not found; the missing detail's name if any."""
    if number and q.trusted:
        return session.scalar(
            select(Order)
            .where(Order.shop_id == shop.id, Order.number.in_(number_variants(number)))
            .order_by(Order.id.desc())
            .limit(1)
        )
    if number and (email or phone):
        order = find_order(session, number, email or "", shop.id) if email else None
        return order or (find_order(session, number, phone or "", shop.id) if phone else None)
    if q.trusted and (email or phone):
        return _latest_for_contact(session, shop.id, email, phone)
    return "contact" if number else "order_number"


def answer(
    session: Session, shop: Shop, q: Question, links: Links, identify: Identify = lingua
) -> Answer:
    """Answer the shopper: the status with date and link, or what detail is missing."""
    number = normalize_number(q.order_number or find_order_number(q.message) or "")
    email = q.email or find_email(q.message)
    phone = q.phone or find_phone(q.message)
    found = _find(session, shop, q, number, email, phone)
    order = found if isinstance(found, Order) else None
    # when the text cannot tell ru from uk: the order's language, then the chat's, the shop's
    customer = order.customer if order else None
    languages = (
        order.locale if order else None,
        customer.locale if customer else None,
        q.locale,
        settings_of(shop).locale,
    )
    fallback = next((loc for loc in map(normalize_locale, languages) if loc), None)
    lang = detect_language(q.message, fallback, identify) or fallback or "en"
    words = {key: text(lang) for key, text in TEXT.items()}
    shown = f"#{number}" if number else ""
    if found == "contact":
        return Answer(lang, words["ask_contact"].format(number=shown), "need_contact", ["contact"])
    if found == "order_number":
        return Answer(lang, words["ask_number"], "need_order_number", ["order_number"])
    if order is None:
        return Answer(lang, words["not_found"].format(number=shown).replace("  ", " "), "not_found")
    summary = order_summary(session, order, lang, links, source="answer")
    parts = [
        words["status"].format(
            number=order.number, label=summary["status_label"], description=summary["description"]
        )
    ]
    overlay = summary["overlay"]
    if overlay and overlay.get("reason"):
        parts.append(words["overlay"].format(label=overlay["label"], reason=overlay["reason"]))
    if summary["estimated_delivery_text"]:
        parts.append(words["edd"].format(edd=summary["estimated_delivery_text"]))
    # each part a sentence with one stop, even after an abbreviation ("2026 г.", "р.")
    parts = [sentence(part) for part in parts]
    parts.append(words["link"].format(url=summary["tracking_url"]))
    return Answer(lang, " ".join(parts), "status", [], summary, order.id)
