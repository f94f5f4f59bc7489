"""The tracking pages' own words (gettext catalogues, en/ru/uk), and the translator templates call.

Page strings come first; a key they lack is looked up in the message catalogue
(`core.rendering.catalogue.ui_text`), so status names and shared phrases have one source.
"""

from __future__ import annotations

from typing import Any

from babel import Locale

from core.i18n import LOCALES, NP_, Marked
from core.rendering.catalogue import ui_text

from .summary import PARCEL_LABEL

PAGE_WORDS: dict[str, Marked] = {
    "title": NP_("page", "Order {number} · {shop}"),
    "greeting": NP_("page", "Hi {name}, here is your order."),
    "progress": NP_("page", "Delivery progress"),
    "history": NP_("page", "History"),
    "parcels": NP_("page", "Delivery"),
    "parcel": PARCEL_LABEL,
    "track": NP_("page", "Track on the carrier's site"),
    "items": NP_("page", "Your items"),
    "parcel_items": NP_("page", "Items"),
    "new_edd": NP_("page", "New estimated delivery"),
    "reason": NP_("page", "Reason"),
    "placed": NP_("page", "Placed {when}"),
    "help": NP_("page", "Need help?"),
    "powered": NP_("page", "Order updates by Wismo"),
    "nf_title": NP_("page", "Page not found"),
    "nf_body": NP_(
        "page",
        "This link does not work. Please open the link from your latest message about the "
        "order, or contact the shop.",
    ),
    "status_now": NP_("page", "Current status"),
    "shop_site": NP_("page", "Visit the shop"),
    "nf_lookup": NP_("page", "Find your order by its number"),
    "picked_up": NP_("page", "Picked up"),
    "picked_up_desc": NP_("page", "You collected your order from the pickup point. Enjoy!"),
    "keep_until": NP_("page", "Kept until"),
    "pick_up_by": NP_("page", "Pick up by"),
    "scans": NP_("page", "Carrier updates"),
    "window": NP_("page", "Courier arrives"),
    "carrier_phone": NP_("page", "Carrier's phone"),
}


class Chrome:
    """The page's own words in one locale: page strings first, then the message catalogue."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else "en"

    def __call__(self, key: str, **values: Any) -> str:
        text = PAGE_WORDS.get(key)
        if text is None:
            return ui_text(key, self.locale, **values)
        return text(self.locale, **values)

    @property
    def language(self) -> str:
        """The locale's name in its own language ('Українська')."""
        return Locale.parse(self.locale).get_display_name(self.locale) or self.locale


def chrome(locale: str) -> Chrome:
    """The translator templates call as t('key', name=value)."""
    return Chrome(locale)
