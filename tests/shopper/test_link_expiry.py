"""Tracking links carry an opaque id and expire long after the order's last news (item 12).

`WzEsMTMxN10` decoded to `[1,1317]`: links named the shop's and the order's database ids and
never expired. Now a link carries the order's random public id, works until LINK_DAYS (180)
days after the order's last news, then answers 410 with a page in the shopper's language
that says so and offers the lookup form. Links sent before keep working by the same rule.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.services.tracking_links import LINK_DAYS, expires_at
from core.storage.models import Order, OutboxMessage
from tests.conftest import add_shop
from webapp import create_app

from .orders import order_in, track_path


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


def _payload(token: str) -> object:
    """What a token says to anyone who reads it (itsdangerous: base64 JSON, then signature)."""
    data = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def test_the_link_a_message_carries_names_no_database_id(container, client):
    shop = add_shop(container).shop
    order_id = order_in(container, shop.id, "5001", "progress", "uk")
    with container.session() as s:
        texts = [m.text for m in s.scalars(select(OutboxMessage))]
        public_id = s.get(Order, order_id).public_id
    tokens = {t for text in texts for t in re.findall(r"/track/([\w.-]+)", text)}
    assert tokens, texts
    for token in tokens:
        assert _payload(token) == [public_id]
        assert len(public_id) >= 22 and str(order_id) != public_id
        assert client.get(f"/track/{token}").status_code == 200


def _at_expiry(container, order_id: int) -> datetime:
    with container.session() as s:
        return expires_at(s.get(Order, order_id))


def test_a_link_works_until_180_days_after_the_last_news_then_says_it_expired(
    container, client, time_machine
):
    shop = add_shop(container, locale="uk").shop
    order_id = order_in(container, shop.id, "5002", "delivered", "uk")
    with container.session() as s:
        order = s.get(Order, order_id)
        path = f"/track/{container.links.tracking_token(order.public_id)}"
        last = order.updated_at.replace(tzinfo=order.updated_at.tzinfo or UTC)
    end = _at_expiry(container, order_id)
    assert end == last + timedelta(days=LINK_DAYS)

    time_machine.move_to(end - timedelta(hours=1), tick=False)
    assert client.get(path).status_code == 200

    time_machine.move_to(end + timedelta(seconds=1), tick=False)
    page = client.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 410
    assert page.headers["Content-Language"] == "uk"  # the shopper's language
    assert "Термін дії цього посилання минув" in text and "180" in text
    assert 'action="/track"' in text  # the way back: find the order by number and contact
    assert f'value="{shop.key}"' in text
    # the page's forms refuse the expired link too
    assert client.post(path + "/preferences", data={}).status_code == 404


def test_links_sent_before_opaque_ids_keep_working_until_the_same_expiry(
    container, client, time_machine
):
    shop = add_shop(container).shop
    order_id = order_in(container, shop.id, "5003", "progress", "en")
    old = track_path(container, shop.id, order_id)  # [shop_id, order_id], as links once were
    assert client.get(old).status_code == 200
    time_machine.move_to(_at_expiry(container, order_id) + timedelta(days=1), tick=False)
    page = client.get(old)
    assert page.status_code == 410
    assert "This link has expired" in page.get_data(as_text=True)


def test_news_on_the_order_moves_the_expiry(container, client, time_machine):
    shop = add_shop(container).shop
    order_id = order_in(container, shop.id, "5004", "progress", "en")
    first = _at_expiry(container, order_id)
    time_machine.move_to(first - timedelta(days=1), tick=False)
    with container.session() as s:
        s.get(Order, order_id).status = "delivered"  # a late event: the order is touched
        s.commit()
    assert _at_expiry(container, order_id) > first + timedelta(days=170)


def test_a_forged_or_foreign_token_is_the_plain_404(container, client):
    shop = add_shop(container).shop
    order_id = order_in(container, shop.id, "5005", "progress", "en")
    with container.session() as s:
        public_id = s.get(Order, order_id).public_id
    assert client.get(f"/track/{public_id}").status_code == 404  # unsigned
    forged = container.links.token("wismo.other", public_id)
    assert client.get(f"/track/{forged}").status_code == 404
