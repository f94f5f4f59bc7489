"""Every message says the same facts in en, ru and uk, and its dates tell one story."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pytest

from core.domain.statuses import UNDATED, Status
from core.rendering import SUPPORTED_LOCALES, Renderer, sample_facts
from core.rendering.locales import format_day, format_money

KINDS = ("email", "sms", "telegram")
PROMISED, MOVED = date(2026, 3, 12), date(2026, 3, 16)
KEPT = date(2026, 3, 23)  # the pickup point's last day


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def marked_facts(status: Status) -> dict[str, Any]:
    """One order whose every fact is a string no template could write by itself."""
    return {
        "status": status.value,
        "shop": {
            "name": "Shopmark",
            "url": "https://shopmark.example",
            "support_email": "help@shopmark.example",
            "support_phone": "+380 44 000 11 22",
            "support_url": "https://shopmark.example/help",
        },
        "order": {
            "number": "#7001",
            "total": "1234.50",
            "currency": "EUR",
            "items": [{"name": "Widgetmark", "quantity": 2, "price": "617.25"}],
            "estimated_delivery": MOVED,
            "previous_estimated_delivery": PROMISED,
            "new_estimated_delivery": MOVED,
            "reason": "Reasonmark",
        },
        "customer": {"first_name": "Alexmark", "name": "Alexmark Smith"},
        "shipment": {
            "carrier": "Carriermark",
            "tracking_number": "TN424242",
            "tracking_url": "https://carrier.example/TN424242",
            "estimated_delivery": MOVED,
            "items_count": 2,
            "pickup_point": {
                "name": "Lockermark",
                "address": "Mainmark St 5",
                "hours": "8-20",
                "keep_until": KEPT.isoformat(),
            },
            "carrier_phone": "+380 800 PHONEMARK",
        },
        "progress": {"shipments_total": 1, "items_total": 2, "items_shipped": 2},
        "tracking_link": "https://wismo.example/t/Trackmark",
        "feedback_link": "https://wismo.example/t/Trackmark#feedback",
        "unsubscribe_link": "https://wismo.example/unsubscribe/Unsubmark",
    }


def facts_shown(text: str, locale: str) -> dict[str, int]:
    """How often each fact of `marked_facts` appears in `text`, as `locale` writes it."""
    values = {
        "store": "Shopmark",
        "order": "#7001",
        "total": format_money("1234.50", "EUR", locale),
        "item": "Widgetmark",
        "new or current date": format_day(MOVED, locale),
        "previous date": format_day(PROMISED, locale),
        "reason": "Reasonmark",
        "name": "Alexmark",
        "carrier": "Carriermark",
        "tracking number": "TN424242",
        "carrier link": "https://carrier.example/TN424242",
        "pickup point": "Lockermark",
        "pickup address": "Mainmark St 5",
        "pickup hours": "8-20",
        "pickup deadline": format_day(KEPT, locale),
        "carrier phone": "PHONEMARK",
        "tracking link": "https://wismo.example/t/Trackmark",
        "feedback link": "Trackmark#feedback",
        "support email": "help@shopmark.example",
        "support phone": "+380 44 000 11 22",
    }
    return {fact: text.count(str(value)) for fact, value in values.items()}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", list(Status))
def test_every_message_carries_the_same_facts_in_every_language(renderer, status, kind):
    shown = {}
    for locale in SUPPORTED_LOCALES:
        message = renderer.render(kind, status, locale, marked_facts(status))
        shown[locale] = facts_shown(message.text, locale)
        if message.html is not None:
            in_html = facts_shown(html.unescape(message.html), locale)  # &nbsp; is a space
            shown[locale] |= {f"html {k}": v for k, v in in_html.items()}
    assert shown["ru"] == shown["en"], f"ru {kind} {status.value} differs from en"
    assert shown["uk"] == shown["en"], f"uk {kind} {status.value} differs from en"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_delayed_sms_gives_the_new_date_and_the_shipped_one_the_carrier(renderer, locale):
    delayed = renderer.render("sms", Status.DELAYED, locale, marked_facts(Status.DELAYED)).text
    assert format_day(MOVED, locale) in delayed and "Trackmark" in delayed
    assert ".." not in delayed.replace("https://", "")  # an abbreviated date ends no sentence twice
    shipped = renderer.render("sms", Status.SHIPPED, locale, marked_facts(Status.SHIPPED)).text
    assert "Carriermark" in shipped and "TN424242" in shipped
    pickup = renderer.render(
        "sms", Status.READY_FOR_PICKUP, locale, marked_facts(Status.READY_FOR_PICKUP)
    ).text
    assert "Lockermark" in pickup and format_day(KEPT, locale) in pickup


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("status", sorted(UNDATED))
def test_no_delivery_date_once_nothing_is_on_its_way(renderer, status, locale):
    for kind in KINDS:
        message = renderer.render(kind, status, locale, marked_facts(status))
        for text in (message.text, message.html or "", message.subject or ""):
            assert format_day(MOVED, locale) not in text
            assert format_day(PROMISED, locale) not in text


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_date_is_new_only_beside_a_different_earlier_one(renderer, locale):
    def delayed(**order: Any) -> str:
        facts = marked_facts(Status.DELAYED)
        facts["order"] |= order
        message = renderer.render("email", Status.DELAYED, locale, facts)
        return message.text + (message.html or "")

    moved = delayed()
    assert moved.count(format_day(MOVED, locale)) == 2  # once in the text, once in the HTML
    assert moved.count(format_day(PROMISED, locale)) == 2
    for unmoved in (
        delayed(previous_estimated_delivery=MOVED),
        delayed(previous_estimated_delivery=None),
    ):
        assert format_day(PROMISED, locale) not in unmoved
        assert unmoved.count(format_day(MOVED, locale)) == 2  # as the plain estimate


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("status", list(Status))
def test_the_editors_samples_tell_one_coherent_story(renderer, status, locale):
    facts = sample_facts(status, locale)
    order, shipment = facts["order"], facts["shipment"] or {}
    if shipment:
        assert shipment["estimated_delivery"] == order["estimated_delivery"]
    if order.get("new_estimated_delivery"):
        assert order["new_estimated_delivery"] == order["estimated_delivery"]
        assert order["previous_estimated_delivery"] < order["new_estimated_delivery"]
    message = renderer.render("email", status, locale, facts)
    for day in (date(2025, 3, 14), date(2025, 3, 18)):
        assert message.text.count(format_day(day, locale) or "") <= 1


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_missed_delivery_shows_no_estimate_unless_the_carrier_moved_it(renderer, locale):
    facts = marked_facts(Status.ATTEMPTED_DELIVERY)
    facts["order"] |= {"previous_estimated_delivery": None, "new_estimated_delivery": None}
    missed = renderer.render("email", Status.ATTEMPTED_DELIVERY, locale, facts)
    assert format_day(MOVED, locale) not in missed.text + (missed.html or "")
    moved = renderer.render(
        "email", Status.ATTEMPTED_DELIVERY, locale, marked_facts(Status.ATTEMPTED_DELIVERY)
    )
    assert format_day(MOVED, locale) in moved.text
