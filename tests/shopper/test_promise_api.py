"""GET /api/v1/widget/promise: the delivery date before purchase, per shop, rate-limited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import add_shop
from webapp import create_app

UA_SHOP = {"country": "UA", "timezone": "Europe/Kyiv", "carriers": [{"carrier": "novaposhta"}]}


@pytest.fixture
def client(container):
    return create_app(container=container).test_client()


def test_a_product_page_before_the_cut_off_gets_a_countdown_and_a_range(
    client, container, time_machine
):
    shop = add_shop(container, **UA_SHOP)
    # Tuesday 1 December 2026, 12:45 in Kyiv: 2 h 15 min before the 15:00 cut-off
    time_machine.move_to(datetime(2026, 12, 1, 10, 45, tzinfo=UTC), tick=False)
    r = client.get(f"/api/v1/widget/promise?shop={shop.shop.key}&locale=uk&tz=Europe/Kyiv")
    assert r.status_code == 200
    body = r.get_json()
    assert (body["earliest"], body["latest"], body["single"]) == ("2026-12-03", "2026-12-04", False)
    assert body["order_within_seconds"] == 2 * 3600 + 15 * 60
    assert " ".join(body["text"].split()) == (
        "Замовте протягом 2 год 15 хв — отримаєте чт, 3 — пт, 4 груд."
    )
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    en = client.get(f"/api/v1/widget/promise?shop={shop.shop.key}&locale=en").get_json()
    assert (
        " ".join(en["text"].split()) == "Order within 2 hr 15 min, get it Thu, Dec 3 – Fri, Dec 4"
    )
    ru = client.get(f"/api/v1/widget/promise?shop={shop.shop.key}&locale=ru").get_json()
    assert " ".join(ru["text"].split()) == (
        "Закажите в течение 2 ч 15 мин — получите чт, 3 дек. — пт, 4 дек."
    )


def test_a_friday_evening_quote_has_no_countdown(client, container, time_machine):
    shop = add_shop(container, **UA_SHOP)
    time_machine.move_to(datetime(2026, 12, 4, 17, 0, tzinfo=UTC), tick=False)  # 19:00 Kyiv
    body = client.get(f"/api/v1/widget/promise?shop={shop.shop.key}&locale=en").get_json()
    # processing Monday 7th, handed over Tuesday 8th, Nova Poshta 1-2 days
    assert (body["earliest"], body["latest"]) == ("2026-12-09", "2026-12-10")
    assert " ".join(body["text"].split()) == "Get it Wed, Dec 9 – Thu, Dec 10"


def test_each_shop_gets_its_own_settings_and_a_stranger_gets_nothing(
    client, container, time_machine
):
    slow = add_shop(container, **UA_SHOP, promise={"processing_days": 3})
    fast = add_shop(container, **UA_SHOP, name="Fast", promise={"processing_days": 0})
    off = add_shop(container, **UA_SHOP, name="Off", promise={"enabled": False})
    time_machine.move_to(datetime(2026, 12, 1, 8, 0, tzinfo=UTC), tick=False)
    a = client.get(f"/api/v1/widget/promise?shop={slow.shop.key}").get_json()
    b = client.get(f"/api/v1/widget/promise?shop={fast.shop.key}").get_json()
    assert a["earliest"] == "2026-12-05" and b["earliest"] == "2026-12-02"
    assert client.get(f"/api/v1/widget/promise?shop={off.shop.key}").status_code == 404
    assert client.get("/api/v1/widget/promise?shop=nope").status_code == 404
    assert client.get("/api/v1/widget/promise").status_code == 404


def test_quotes_are_rate_limited_per_visitor(client, container):
    shop = add_shop(container, **UA_SHOP)
    client.application.config["WISMO_PROMISE_LIMIT_IP"] = "3 per minute"
    codes = [
        client.get(f"/api/v1/widget/promise?shop={shop.shop.key}").status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
