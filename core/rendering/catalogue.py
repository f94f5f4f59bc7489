"""Shopper-facing words for statuses and layouts, in every supported locale."""

from __future__ import annotations

from core.domain.statuses import Status
from core.rendering.locales import DEFAULT_LOCALE, normalize_locale

# status → (label, one sentence from the shopper's side), per locale
_STATUS: dict[str, dict[Status, tuple[str, str]]] = {
    "en": {
        Status.PLACED: ("Order placed", "We have received your order."),
        Status.PROCESSING: (
            "Processing",
            "We have accepted your order and are preparing it.",
        ),
        Status.PICKING: ("Being picked", "Your items are being collected in our warehouse."),
        Status.PACKED: ("Packed", "Your order is packed and ready to hand to the carrier."),
        Status.SHIPPED: ("Shipped", "Your parcel is on its way with the carrier."),
        Status.IN_TRANSIT: ("In transit", "Your parcel is moving through the carrier's network."),
        Status.OUT_FOR_DELIVERY: (
            "Out for delivery",
            "The courier has your parcel and will deliver it today.",
        ),
        Status.READY_FOR_PICKUP: (
            "Ready for pickup",
            "Your parcel is waiting for you at the pickup point.",
        ),
        Status.ATTEMPTED_DELIVERY: (
            "Delivery attempted",
            "The courier could not deliver your parcel and will try again.",
        ),
        Status.DELIVERED: ("Delivered", "Your order has been delivered."),
        Status.DELAYED: ("Delayed", "Your delivery is running late; we have a new estimated date."),
        Status.EXCEPTION: (
            "Delivery problem",
            "There is a problem with your delivery that needs attention.",
        ),
        Status.CANCELLED: ("Cancelled", "Your order has been cancelled."),
        Status.RETURN_REQUESTED: ("Return requested", "We have received your return request."),
        Status.RETURNED: ("Returned", "Your return has arrived back with us."),
        Status.REFUNDED: ("Refunded", "Your refund has been issued."),
    },
    "ru": {
        Status.PLACED: ("Заказ оформлен", "Мы получили ваш заказ."),
        Status.PROCESSING: ("В обработке", "Мы приняли ваш заказ и готовим его."),
        Status.PICKING: ("Собираем заказ", "Собираем товары вашего заказа на складе."),
        Status.PACKED: ("Упакован", "Заказ упакован и готов к передаче в службу доставки."),
        Status.SHIPPED: ("Отправлен", "Посылка передана в службу доставки и уже в пути."),
        Status.IN_TRANSIT: ("В пути", "Посылка движется к вам по сети перевозчика."),
        Status.OUT_FOR_DELIVERY: ("Передан курьеру", "Курьер привезёт посылку сегодня."),
        Status.READY_FOR_PICKUP: ("Ждёт в пункте выдачи", "Посылка ждёт вас в пункте выдачи."),
        Status.ATTEMPTED_DELIVERY: (
            "Не удалось доставить",
            "Курьер не смог вручить посылку и попробует ещё раз.",
        ),
        Status.DELIVERED: ("Доставлен", "Заказ доставлен."),
        Status.DELAYED: (
            "Задерживается",
            "Доставка задерживается, у нас есть новая ожидаемая дата.",
        ),
        Status.EXCEPTION: (
            "Проблема с доставкой",
            "С доставкой возникла проблема, которую нужно решить.",
        ),
        Status.CANCELLED: ("Отменён", "Заказ отменён."),
        Status.RETURN_REQUESTED: ("Запрошен возврат", "Мы получили ваш запрос на возврат."),
        Status.RETURNED: ("Возврат получен", "Возвращённый товар прибыл к нам."),
        Status.REFUNDED: ("Деньги возвращены", "Мы вернули вам деньги."),
    },
    "uk": {
        Status.PLACED: ("Замовлення оформлено", "Ми отримали ваше замовлення."),
        Status.PROCESSING: ("В обробці", "Ми прийняли ваше замовлення і готуємо його."),
        Status.PICKING: ("Збираємо замовлення", "Збираємо товари вашого замовлення на складі."),
        Status.PACKED: ("Спаковано", "Замовлення спаковане й готове до передачі перевізнику."),
        Status.SHIPPED: ("Відправлено", "Посилку передано перевізнику, вона вже в дорозі."),
        Status.IN_TRANSIT: ("У дорозі", "Посилка прямує до вас мережею перевізника."),
        Status.OUT_FOR_DELIVERY: ("Передано кур'єру", "Кур'єр доставить посилку сьогодні."),
        Status.READY_FOR_PICKUP: ("Чекає у відділенні", "Посилка чекає на вас у пункті видачі."),
        Status.ATTEMPTED_DELIVERY: (
            "Не вдалося доставити",
            "Кур'єр не зміг вручити посилку й спробує ще раз.",
        ),
        Status.DELIVERED: ("Доставлено", "Замовлення доставлено."),
        Status.DELAYED: ("Затримується", "Доставка затримується, маємо нову орієнтовну дату."),
        Status.EXCEPTION: (
            "Проблема з доставкою",
            "З доставкою виникла проблема, яку потрібно розв'язати.",
        ),
        Status.CANCELLED: ("Скасовано", "Замовлення скасовано."),
        Status.RETURN_REQUESTED: ("Запит на повернення", "Ми отримали ваш запит на повернення."),
        Status.RETURNED: ("Повернення отримано", "Повернений товар надійшов до нас."),
        Status.REFUNDED: ("Кошти повернено", "Ми повернули вам кошти."),
    },
}

_UI: dict[str, dict[str, str]] = {
    "en": {
        "track_order": "Track your order",
        "order": "Order {number}",
        "footer": "You receive this because you ordered from {store}.",
        "unsubscribe": "Unsubscribe",
        "questions": "Questions? We are happy to help.",
        "estimated_delivery": "Estimated delivery",
        "carrier": "Carrier",
        "tracking_number": "Tracking number",
        "total": "Total",
        "item": "Item",
        "quantity": "Qty",
        "price": "Price",
        "pickup_point": "Pickup point",
        "hours": "Opening hours",
        "status": "Status",
        "not_found": "We could not find that order. Check the number and try again.",
    },
    "ru": {
        "track_order": "Отследить заказ",
        "order": "Заказ {number}",
        "footer": "Вы получили это письмо, потому что сделали заказ в магазине {store}.",
        "unsubscribe": "Отписаться",
        "questions": "Остались вопросы? Мы с радостью поможем.",
        "estimated_delivery": "Ожидаемая дата доставки",
        "carrier": "Служба доставки",
        "tracking_number": "Трек-номер",
        "total": "Итого",
        "item": "Товар",
        "quantity": "Кол-во",
        "price": "Цена",
        "pickup_point": "Пункт выдачи",
        "hours": "Часы работы",
        "status": "Статус",
        "not_found": "Мы не нашли такой заказ. Проверьте номер и попробуйте ещё раз.",
    },
    "uk": {
        "track_order": "Відстежити замовлення",
        "order": "Замовлення {number}",
        "footer": "Ви отримали цей лист, бо зробили замовлення в магазині {store}.",
        "unsubscribe": "Відписатися",
        "questions": "Маєте запитання? Ми радо допоможемо.",
        "estimated_delivery": "Орієнтовна дата доставки",
        "carrier": "Перевізник",
        "tracking_number": "Номер для відстеження",
        "total": "Разом",
        "item": "Товар",
        "quantity": "К-сть",
        "price": "Ціна",
        "pickup_point": "Пункт видачі",
        "hours": "Графік роботи",
        "status": "Статус",
        "not_found": "Ми не знайшли такого замовлення. Перевірте номер і спробуйте ще раз.",
    },
}


def _locale(locale: str | None) -> str:
    return normalize_locale(locale) or DEFAULT_LOCALE


def status_label(status: Status | str, locale: str | None) -> str:
    """A short name for the status in the shopper's language: 'Out for delivery'."""
    return _STATUS[_locale(locale)][Status(status)][0]


def status_description(status: Status | str, locale: str | None) -> str:
    """One sentence, from the shopper's side, about what the status means."""
    return _STATUS[_locale(locale)][Status(status)][1]


def ui_text(key: str, locale: str | None, **values: object) -> str:
    """A layout string ('track_order', 'footer', …) in the locale, with {values} filled in."""
    text = _UI[_locale(locale)].get(key) or _UI[DEFAULT_LOCALE][key]
    return text.format(**values) if values else text
