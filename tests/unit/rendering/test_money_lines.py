"""Issue 18 items 7 and 13: what the shopper paid and got back, in every language.

The item table lists delivery (free said as such), its amount columns line up under their
headers, a whole order's shipped email says what is in it, and a refund says how much.
"""

import html
import re

import pytest

from core.domain.statuses import Status
from core.rendering import Renderer, sample_facts
from core.rendering.locales import format_money

WORDS = {
    "en": ("Delivery", "Free", "We've refunded"),
    "uk": ("Доставка", "Безкоштовно", "Ми повернули"),
    "ru": ("Доставка", "Бесплатно", "Мы вернули"),
}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def _facts(status: Status, locale: str, **order: object) -> dict:
    facts = sample_facts(status, locale)
    facts["order"] = {**facts["order"], **order}
    return facts


@pytest.mark.parametrize("locale", WORDS)
def test_the_item_table_lists_delivery_and_says_free_when_it_cost_nothing(renderer, locale):
    delivery, free, _ = WORDS[locale]
    paid = renderer.render(
        "email", Status.PLACED, locale, _facts(Status.PLACED, locale, shipping_total="70.00")
    )
    assert delivery in paid.text and "70" in paid.text.split(delivery)[1].splitlines()[0]
    assert free not in paid.text
    row = re.search(delivery + r"</td>\s*<td[^>]*>([^<]+)</td>", paid.html or "")
    assert row and "70" in row.group(1)
    gratis = renderer.render(
        "email", Status.PLACED, locale, _facts(Status.PLACED, locale, shipping_total="0.00")
    )
    assert f"{delivery}: {free}" in gratis.text
    assert free in (gratis.html or "")
    unknown = renderer.render(
        "email", Status.PLACED, locale, _facts(Status.PLACED, locale, shipping_total=None)
    )
    assert delivery + ":" not in unknown.text


@pytest.mark.parametrize("locale", WORDS)
def test_amount_headers_are_right_aligned_like_their_numbers(renderer, locale):
    body = renderer.render("email", Status.PLACED, locale, sample_facts(Status.PLACED, locale)).html
    headers = re.findall(r"<th([^>]*)>", body or "")
    assert len(headers) == 3
    assert "text-align: left" in headers[0]
    for th in headers[1:]:  # quantity and price: over right-aligned numbers
        assert "text-align: right" in th, th


@pytest.mark.parametrize("locale", WORDS)
def test_a_whole_order_shipped_says_what_is_in_it_and_its_total(renderer, locale):
    facts = sample_facts(Status.SHIPPED, locale)
    facts["progress"] = {**facts["progress"], "items_shipped": None}  # all of it at once
    message = renderer.render("email", Status.SHIPPED, locale, facts)
    first_item = facts["order"]["items"][0]["name"]
    assert first_item in message.text and first_item in (message.html or "")
    assert "<table" in (message.html or "")


@pytest.mark.parametrize("locale", WORDS)
def test_a_parcel_of_a_split_order_does_not_list_the_whole_order(renderer, locale):
    facts = sample_facts(Status.SHIPPED, locale)  # "2 of 3 items shipped"
    message = renderer.render("email", Status.SHIPPED, locale, facts)
    assert facts["order"]["items"][0]["name"] not in message.text
    facts["parcels"] = {"role": "first"}
    message = renderer.render("email", Status.SHIPPED, locale, facts)
    assert facts["order"]["items"][0]["name"] not in message.text


@pytest.mark.parametrize("locale", WORDS)
def test_a_refund_says_how_much_came_back(renderer, locale):
    _, _, refunded = WORDS[locale]
    facts = _facts(Status.REFUNDED, locale, refund_amount="250.00", currency="UAH")
    message = renderer.render("email", Status.REFUNDED, locale, facts)
    assert refunded in message.text
    amount = message.text.split(refunded, 1)[1].split("\n")[0]
    shown = format_money("250.00", "UAH", locale)  # as Babel writes it for the locale
    assert shown and "250" in shown and shown in amount
    assert shown in html.unescape(message.html or "")
    unknown = renderer.render(
        "email", Status.REFUNDED, locale, _facts(Status.REFUNDED, locale, refund_amount=None)
    )
    assert "250" not in unknown.text and refunded in unknown.text
