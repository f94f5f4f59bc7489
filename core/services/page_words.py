"""The tracking pages' own words in en, ru and uk, and the translator templates call.

Page strings come first; a key they lack is looked up in the message catalogue
(`core.rendering.catalogue.ui_text`), so status names and shared phrases have one source.
"""

from __future__ import annotations

from typing import Any

from babel import Locale

from core.rendering.catalogue import ui_text

from .summary import PARCEL_LABEL

PAGE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Order {number} · {shop}",
        "greeting": "Hi {name}, here is your order.",
        "progress": "Delivery progress",
        "history": "History",
        "parcels": "Delivery",
        "parcel": PARCEL_LABEL["en"],
        "track": "Track on the carrier's site",
        "items": "Your items",
        "parcel_items": "Items",
        "new_edd": "New estimated delivery",
        "reason": "Reason",
        "placed": "Placed {when}",
        "help": "Need help?",
        "powered": "Order updates by Wismo",
        "nf_title": "Page not found",
        "nf_body": "This link does not work. Please open the link from your latest "
        "message about the order, or contact the shop.",
        "status_now": "Current status",
        "shop_site": "Visit the shop",
        "nf_lookup": "Find your order by its number",
        "picked_up": "Picked up",
        "picked_up_desc": "You collected your order from the pickup point. Enjoy!",
        "keep_until": "Kept until",
        "pick_up_by": "Pick up by",
    },
    "ru": {
        "title": "Заказ {number} · {shop}",
        "greeting": "{name}, вот что с вашим заказом.",
        "progress": "Ход доставки",
        "history": "История",
        "parcels": "Доставка",
        "parcel": PARCEL_LABEL["ru"],
        "track": "Отследить на сайте перевозчика",
        "items": "Ваши товары",
        "parcel_items": "Товаров",
        "new_edd": "Новая ожидаемая дата",
        "reason": "Причина",
        "placed": "Оформлен {when}",
        "help": "Нужна помощь?",
        "powered": "Уведомления о заказе — Wismo",
        "nf_title": "Страница не найдена",
        "nf_body": "Эта ссылка не работает. Откройте ссылку из последнего сообщения "
        "о заказе или свяжитесь с магазином.",
        "status_now": "Текущий статус",
        "shop_site": "Перейти в магазин",
        "nf_lookup": "Найти заказ по номеру",
        "picked_up": "Получен",
        "picked_up_desc": "Вы забрали заказ в пункте выдачи. Приятных покупок!",
        "keep_until": "Хранится до",
        "pick_up_by": "Заберите до",
    },
    "uk": {
        "title": "Замовлення {number} · {shop}",
        "greeting": "{name}, ось що з вашим замовленням.",
        "progress": "Хід доставки",
        "history": "Історія",
        "parcels": "Доставка",
        "parcel": PARCEL_LABEL["uk"],
        "track": "Відстежити на сайті перевізника",
        "items": "Ваші товари",
        "parcel_items": "Товарів",
        "new_edd": "Нова орієнтовна дата",
        "reason": "Причина",
        "placed": "Оформлено {when}",
        "help": "Потрібна допомога?",
        "powered": "Сповіщення про замовлення — Wismo",
        "nf_title": "Сторінку не знайдено",
        "nf_body": "Це посилання не працює. Відкрийте посилання з останнього повідомлення "
        "про замовлення або зверніться до магазину.",
        "status_now": "Поточний статус",
        "shop_site": "Перейти до магазину",
        "nf_lookup": "Знайти замовлення за номером",
        "picked_up": "Отримано",
        "picked_up_desc": "Ви забрали замовлення в пункті видачі. Гарних покупок!",
        "keep_until": "Зберігається до",
        "pick_up_by": "Заберіть до",
    },
}


class Chrome:
    """The page's own words in one locale: page strings first, then the message catalogue."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in PAGE_WORDS else "en"

    def __call__(self, key: str, **values: Any) -> str:
        text = PAGE_WORDS[self.locale].get(key)
        if text is None:
            return ui_text(key, self.locale, **values)
        return text.format(**values) if values else text

    @property
    def language(self) -> str:
        """The locale's name in its own language ('Українська')."""
        return Locale.parse(self.locale).get_display_name(self.locale) or self.locale


def chrome(locale: str) -> Chrome:
    """The translator templates call as t('key', name=value)."""
    return Chrome(locale)
