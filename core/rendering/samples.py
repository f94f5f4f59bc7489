"""A realistic sample order per status and locale, for previews and template validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.domain.statuses import Status
from core.rendering.locales import DEFAULT_LOCALE, normalize_locale

_PEOPLE: dict[str, dict[str, Any]] = {
    "en": {
        "shop": "Demo Kettles",
        "first": "Emma",
        "name": "Emma Clarke",
        "currency": "EUR",
        "items": [("Glass kettle 1.7 l", 1, "55.00"), ("Descaling tablets", 2, "4.50")],
        "shipping": "4.90",
        "total": "68.90",
        "carrier": "DHL",
        "tracking": "JD014600006281230714",
        "url": "https://www.dhl.com/track?id=JD014600006281230714",
        "pickup": ("DHL Packstation 118", "Friedrichstraße 45, 10117 Berlin", "Open 24/7"),
        "reasons": {
            "delayed": "Severe weather has slowed deliveries in your area.",
            "exception": "The carrier could not confirm the delivery address.",
            "cancelled": "The kettle you chose is out of stock.",
            "return": "The item does not fit my needs.",
        },
    },
    "ru": {
        "shop": "Чайники и Ко",
        "first": "Ольга",
        "name": "Ольга Смирнова",
        "currency": "UAH",
        "items": [
            ("Электрочайник стеклянный 1,7 л", 1, "1150.00"),
            ("Средство от накипи", 2, "50.00"),
        ],
        "total": "1250.00",
        "carrier": "Нова Пошта",
        "tracking": "20450712345678",
        "url": "https://novaposhta.ua/tracking/?cargo_number=20450712345678",
        "pickup": (
            "Нова Пошта, отделение №12",
            "Одесса, ул. Дерибасовская, 10",
            "Пн–Сб 9:00–20:00, Вс 10:00–18:00",
        ),
        "reasons": {
            "delayed": "Из-за непогоды перевозчик доставляет посылки с опозданием.",
            "exception": "Перевозчик не смог подтвердить адрес доставки.",
            "cancelled": "Выбранного чайника, к сожалению, нет в наличии.",
            "return": "Товар не подошёл.",
        },
    },
    "uk": {
        "shop": "Чайники та Ко",
        "first": "Олена",
        "name": "Олена Петренко",
        "currency": "UAH",
        "items": [("Електрочайник скляний 1,7 л", 1, "1150.00"), ("Засіб від накипу", 2, "50.00")],
        "total": "1250.00",
        "carrier": "Нова Пошта",
        "tracking": "20450712345678",
        "url": "https://novaposhta.ua/tracking/?cargo_number=20450712345678",
        "pickup": (
            "Нова Пошта, відділення №25",
            "Київ, вул. Хрещатик, 22",
            "Пн–Сб 9:00–20:00, Нд 10:00–18:00",
        ),
        "reasons": {
            "delayed": "Через негоду перевізник доставляє посилки із запізненням.",
            "exception": "Перевізник не зміг підтвердити адресу доставки.",
            "cancelled": "На жаль, обраного чайника немає в наявності.",
            "return": "Товар не підійшов.",
        },
    },
}

_REASON_KEY = {
    Status.DELAYED: "delayed",
    Status.EXCEPTION: "exception",
    Status.CANCELLED: "cancelled",
    Status.RETURN_REQUESTED: "return",
    Status.RETURNED: "return",
    Status.REFUNDED: "return",
}
_NO_SHIPMENT = {Status.PLACED, Status.PROCESSING, Status.PICKING, Status.PACKED, Status.CANCELLED}
# each sample is one coherent order: promised for 14 March (the day it goes out for
# delivery); the delayed one moved from 14 to 18 March, so 18 March is its only estimate
_PROMISED, _MOVED = date(2025, 3, 14), date(2025, 3, 18)


def sample_facts(status: Status | str, locale: str | None) -> dict[str, Any]:
    """Facts shaped like the pipeline's, for a believable order at `status` in `locale`."""
    status = Status(status)
    loc = normalize_locale(locale) or DEFAULT_LOCALE
    p = _PEOPLE[loc]
    estimate = _MOVED if status == Status.DELAYED else _PROMISED
    shipment = None
    if status not in _NO_SHIPMENT:
        pickup = None
        if status == Status.READY_FOR_PICKUP:
            name, address, hours = p["pickup"]
            kept = (_PROMISED + timedelta(days=7)).isoformat()  # the point's storage deadline
            pickup = {"name": name, "address": address, "hours": hours, "keep_until": kept}
        shipment = {
            "carrier": p["carrier"],
            "tracking_number": p["tracking"],
            "tracking_url": p["url"],
            "estimated_delivery": estimate,
            "items_count": 2,
            "pickup_point": pickup,
            # out for delivery: the courier's window on the promised day, 14:00-16:00 in Kyiv
            "delivery_window": {
                "from": "2025-03-14T12:00:00+00:00",
                "to": "2025-03-14T14:00:00+00:00",
                "zone": "Europe/Kyiv",
                "today": _PROMISED.isoformat(),
            }
            if status == Status.OUT_FOR_DELIVERY
            else None,
        }
    reason_key = _REASON_KEY.get(status)
    return {
        "status": status.value,
        "shop": {
            "name": p["shop"],
            "logo_url": "https://wismo.example/static/demo-logo.png",
            "url": "https://shop.example",
            "brand_color": "#0f766e",
            "support_email": "help@shop.example",
            "support_phone": "+380 44 123 45 67",
            "support_url": "https://shop.example/help",
        },
        "order": {
            "number": "#1001",
            "total": p["total"],
            "shipping_total": p.get("shipping"),
            "refund_amount": p["total"] if status == Status.REFUNDED else None,
            "currency": p["currency"],
            "items": [{"name": n, "quantity": q, "price": pr} for n, q, pr in p["items"]],
            "placed_at": datetime(2025, 3, 10, 14, 30, tzinfo=UTC),
            "estimated_delivery": estimate,
            "reason": p["reasons"][reason_key] if reason_key else None,
            "previous_estimated_delivery": _PROMISED if status == Status.DELAYED else None,
            "new_estimated_delivery": _MOVED if status == Status.DELAYED else None,
        },
        "customer": {"first_name": p["first"], "name": p["name"]},
        "shipment": shipment,
        "progress": {
            "shipments_total": 1 if shipment else 0,
            "items_total": 3,
            "items_shipped": 2 if shipment and status == Status.SHIPPED else None,
        },
        "tracking_link": "https://wismo.example/track/sample-token",
        "feedback_link": "https://wismo.example/track/sample-token#feedback",
        "unsubscribe_link": "https://wismo.example/unsubscribe/sample-token",
    }


def minimal_facts(status: Status | str) -> dict[str, Any]:
    """The least the pipeline may pass: no customer name, no shipment, no dates."""
    return {
        "status": Status(status).value,
        "shop": {"name": "Demo Shop"},
        "order": {"number": "1001", "total": None, "currency": None, "items": []},
        "customer": {},
        "shipment": None,
        "progress": {"shipments_total": 0, "items_total": None, "items_shipped": None},
        "tracking_link": "https://wismo.example/track/t",
        "unsubscribe_link": None,
    }


def sample_variants(status: Status | str, locale: str | None) -> list[dict[str, Any]]:
    """The sample orders a merchant's template must render for before it is saved: the usual
    one, one with many items, one with no items and no shopper's name, one with long names."""
    usual = sample_facts(status, locale)
    order = usual["order"]
    many = {
        **usual,
        "order": {
            **order,
            "items": [
                {"name": f"{item['name']} ({n + 1})", "quantity": n % 9 + 1, "price": item["price"]}
                for n in range(MANY_ITEMS)
                for item in order["items"][:1]
            ],
        },
        "progress": {**usual["progress"], "items_total": MANY_ITEMS},
    }
    bare = {  # nothing ordered listed, no name for the shopper
        **usual,
        "order": {**order, "items": [], "shipping_total": None},
        "customer": {},
        "progress": {**usual["progress"], "items_total": None, "items_shipped": None},
    }
    long_word = "Wolfeschlegelsteinhausenbergerdorff"
    long_names = {
        **usual,
        "shop": {**usual["shop"], "name": f"{usual['shop']['name']} {long_word}" * 2},
        "customer": {
            "first_name": long_word,
            "name": f"{long_word} {long_word}-{long_word}",
        },
        "order": {
            **order,
            "number": "#" + "9" * 60,
            "items": [
                {**item, "name": f"{item['name']} {long_word * 5}"} for item in order["items"]
            ],
        },
    }
    return [usual, many, bare, long_names]


MANY_ITEMS = 60
