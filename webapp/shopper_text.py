"""The tracking page's own words in en, ru and uk, and the default FAQ per language.

Merchants override the FAQ in shop.settings["branding"]["faq"] (see docs/tracking.md):
either one list of {"q": ..., "a": ...} for every language, or {"uk": [...], "en": [...]}.
"""

from __future__ import annotations

from typing import Any

from core import registry
from core.i18n import NP_, Marked
from core.rendering.display import safe_url
from core.services.page_words import Chrome
from core.shop_settings import Branding, Promotion, ShopSettings, parse_settings

TEXT: dict[str, Marked] = {
    "lookup_title": NP_("tracking page", "Track your order"),
    "lookup_lead": NP_(
        "tracking page",
        "Enter your order number and the email or phone you ordered with.",
    ),
    "number": NP_("tracking page", "Order number"),
    "contact": NP_("tracking page", "Email or phone"),
    "find": NP_("tracking page", "Show my order"),
    "lookup_failed": NP_(
        "tracking page",
        "We could not find an order with these details. Please check the order number and "
        "the email or phone you used when ordering.",
    ),
    "too_many": NP_(
        "tracking page",
        "Too many attempts. Please wait a few minutes and try again.",
    ),
    "link_unknown": NP_(
        "tracking page",
        "This link does not work: it may be incomplete or mistyped. Find your order with "
        "its number instead.",
    ),
    "link_expired": NP_(
        "tracking page",
        "This link has expired: tracking links work for {days} days after an order's last "
        "update. Find your order below with its number and your email or phone.",
    ),
    "faq": NP_("tracking page", "Questions and answers"),
    "promo": NP_("tracking page", "Just for you"),
    "promo_code": NP_("tracking page", "Your code"),
    "problem": NP_("tracking page", "Report a problem or change delivery details"),
    "problem_kind": NP_("tracking page", "What happened?"),
    "k_not_received": NP_("tracking page", "My order has not arrived"),
    "k_damaged": NP_("tracking page", "Something arrived damaged"),
    "k_wrong_item": NP_("tracking page", "I received a wrong item"),
    "k_change_address": NP_("tracking page", "Change delivery address or time"),
    "k_other": NP_("tracking page", "Something else"),
    "k_refund": NP_("tracking page", "A question about my refund"),
    "next_title": NP_("tracking page", "What happens next"),
    "next_cancelled": NP_(
        "tracking page",
        "Nothing will be sent. If you have already paid, the shop returns the money to the "
        "card or account you paid with; banks usually show it within {days} business days.",
    ),
    "next_refunded": NP_(
        "tracking page",
        "The shop has refunded your payment to the card or account you paid with. Banks "
        "usually show it within {days} business days; if it has not appeared by then, "
        "contact the shop.",
    ),
    "problem_message": NP_("tracking page", "Tell us more"),
    "send": NP_("tracking page", "Send to the shop"),
    "problem_sent": NP_(
        "tracking page",
        "Thank you. The shop has your message and will get back to you.",
    ),
    "prefs": NP_("tracking page", "Your notifications"),
    "prefs_lead": NP_(
        "tracking page",
        "Choose how the shop keeps you updated about your orders.",
    ),
    "ch_email": NP_("tracking page", "Email"),
    "ch_sms": NP_("tracking page", "SMS text messages"),
    "ch_whatsapp": NP_("tracking page", "WhatsApp"),
    "ch_telegram": NP_("tracking page", "Telegram"),
    "ch_viber": NP_("tracking page", "Viber"),
    "ch_email_optional": NP_(
        "tracking page",
        "Progress emails (in transit, out for delivery, delivered)",
    ),
    "save": NP_("tracking page", "Save preferences"),
    "prefs_saved": NP_("tracking page", "Your preferences are saved."),
    "feedback": NP_("tracking page", "How was your order?"),
    "rating": NP_("tracking page", "Your rating"),
    "stars": NP_("tracking page", "{n} of 5 stars"),
    "comment": NP_("tracking page", "Comment (optional)"),
    "rate": NP_("tracking page", "Send feedback"),
    "feedback_saved": NP_("tracking page", "Thank you for your feedback!"),
    "feedback_invalid": NP_("tracking page", "Please choose from 1 to 5 stars."),
    "problem_invalid": NP_("tracking page", "Please write a few words about the problem."),
    "problem_limited": NP_(
        "tracking page",
        "We already have your reports about this order: the shop will answer them. Please "
        "try again later.",
    ),
    "prefs_confirm": NP_(
        "tracking page",
        "You are switching off: {channels}. Anyone this link was forwarded to could do the "
        "same, so please confirm.",
    ),
    "prefs_confirm_button": NP_("tracking page", "Yes, stop these messages"),
}

FAQ: list[tuple[Marked, Marked]] = [
    (
        NP_("faq", "When will my order arrive?"),
        NP_(
            "faq",
            "The estimated delivery date is shown above. It is updated when the carrier "
            "reports news, and we message you if it changes.",
        ),
    ),
    (
        NP_("faq", "How do I follow my parcel?"),
        NP_(
            "faq",
            "Once it ships you see the carrier and tracking number here, with a link to "
            "the carrier's own tracking page.",
        ),
    ),
    (
        NP_("faq", "Can I change the delivery address?"),
        NP_(
            "faq",
            "Use the form “Report a problem or change delivery details” below as early as "
            "possible: once the parcel has shipped, changes depend on the carrier.",
        ),
    ),
    (
        NP_("faq", "What if my parcel is damaged or missing?"),
        NP_("faq", "Tell us with the form below and we will sort it out with the carrier."),
    ),
]


FAQ_CLOSED: list[tuple[Marked, Marked]] = [
    (
        NP_("faq closed", "When will I get my money back?"),
        NP_(
            "faq closed",
            "If you paid, the refund goes to the card or account you paid with. Banks "
            "usually show it within {days} business days after the shop refunds it.",
        ),
    ),
    (
        NP_("faq closed", "Why was my order cancelled?"),
        NP_(
            "faq closed",
            "The reason is shown above when the shop gave one. For anything else, use the "
            "form below or contact the shop.",
        ),
    ),
    (
        NP_("faq closed", "Can I order again?"),
        NP_("faq closed", "Yes: place a new order in the shop at any time."),
    ),
]
REFUND_DAYS = "5\u201310"


def refund_days(branding: Branding) -> str:
    """How many business days a refund takes to show, as the merchant says ("3–5")."""
    days = branding.refund_days
    return str(days).strip() if isinstance(days, str | int) and str(days).strip() else REFUND_DAYS


class Words(Chrome):
    """The tracking page's words: these first, then the page chrome and message catalogue."""

    def __call__(self, key: str, **values: Any) -> str:
        text = TEXT.get(key)
        if text is None:
            kind = registry.kind(key[3:]) if key.startswith("ch_") else None
            if kind is not None and kind.label:  # a plug-in's kind: its own name for it
                return kind.label_in(self.locale)
            return super().__call__(key, **values)
        return text(self.locale, **values)


def localized(value: Any, locale: str) -> Any:
    """A merchant's setting that may be given per language: {"uk": ..., "en": ...} or plain."""
    if isinstance(value, dict) and value and all(len(str(k)) == 2 for k in value):
        return value.get(locale) or value.get("en") or next(iter(value.values()))
    return value


def faq_for(branding: Branding, locale: str, closed: bool = False) -> list[dict[str, str]]:
    """The merchant's FAQ for this language if set (an empty list hides it), else ours.

    A cancelled or refunded order gets the questions about money back instead
    (`branding.faq_closed`, else Wismo's), never "when will my order arrive?".
    """
    custom = localized(branding.faq_closed if closed else branding.faq, locale)
    if isinstance(custom, list):
        return [
            {"q": str(item.get("q") or ""), "a": str(item.get("a") or "")}
            for item in custom
            if isinstance(item, dict) and item.get("q")
        ]
    if closed:
        days = refund_days(branding)
        return [{"q": q(locale), "a": a(locale, days=days)} for q, a in FAQ_CLOSED]
    return [{"q": q(locale), "a": a(locale)} for q, a in FAQ]


def promotion_settings(settings: ShopSettings) -> Promotion:
    """The shop's promotion in its one schema (`branding.promotions`), from any stored shape.

    Older settings kept it at the top level (`promotions`), and the first admin form saved a
    list of `{"text", "url"}` lines; both are read as the schema below, so nothing is lost.
    """
    promo = settings.branding.promotions or settings.extra("promotions")
    if isinstance(promo, list):  # the old admin form: one line of text and link each
        lines = [p for p in promo if isinstance(p, dict) and p.get("text")]
        promo = {
            "text": " ".join(str(p["text"]) for p in lines if not p.get("url")) or None,
            "products": [{"name": p["text"], "url": p.get("url")} for p in lines if p.get("url")],
        }
    if isinstance(promo, dict):  # the old top-level key, or the old form's lines
        promo = parse_settings({"branding": {"promotions": promo}}).branding.promotions
    return promo if isinstance(promo, Promotion) else Promotion()


def promotion_for(settings: ShopSettings, locale: str) -> dict[str, Any] | None:
    """The merchant's promotion block (title, text, code, product links), or None."""

    promo = promotion_settings(settings)
    if not promo.enabled:
        return None
    products = [
        {"name": str(localized(p.name, locale) or ""), "url": safe_url(p.url)}
        for p in promo.products
        if p.name
    ]
    view = {
        "title": localized(promo.title, locale),
        "text": localized(promo.text, locale),
        "code": promo.code,
        "products": products[:6],
    }
    return view if view["text"] or view["code"] or products else None
