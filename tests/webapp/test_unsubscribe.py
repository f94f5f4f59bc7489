"""One-click unsubscribe (RFC 8058) from optional emails, end to end over real SMTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status as S
from core.services.pipeline import accept_event
from core.services.shops import update_settings
from core.storage.models import Notification, OptOut, Shop
from tests.conftest import add_shop
from webapp import create_app

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def push(c, shop_id, key, status, hours):
    ev = OrderEventIn(
        event_key=key,
        source="test",
        order_id="7",
        number="#7",
        occurred_at=T0 + timedelta(hours=hours),
        status=status,
        customer=CustomerInfo(name="Анна Смирнова", email="anna@example.com", locale="ru"),
        shipment=ShipmentInfo(id="p1") if status != S.PLACED else None,
    )
    with c.session() as s:
        accepted = accept_event(s, shop_id, ev)
    c.queue.enqueue("process_event", accepted.event_id)


def test_optional_email_carries_one_click_unsubscribe_that_works(sqlite_container, smtp_server):
    c = sqlite_container
    new = add_shop(c, policy={"matrix": {"in_transit": {"email": True}}})
    with c.session() as s:
        update_settings(
            s.get(Shop, new.shop.id),
            channels={
                "email": [{"provider": "smtp", "url": smtp_server.url + "?from=shop@example.com"}]
            },
        )
        s.commit()
    push(c, new.shop.id, "e1", S.PLACED, 0)
    push(c, new.shop.id, "e2", S.IN_TRANSIT, 5)
    placed, transit = (m.message for m in smtp_server.wait_for(2))
    assert placed["List-Unsubscribe"] is None  # a confirmation always goes
    header = transit["List-Unsubscribe"]
    assert transit["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = "".join(header.split()).strip("<>")
    assert url.startswith("http://wismo.test/unsubscribe/")
    assert url in transit.get_body(("html",)).get_content()

    client = create_app(container=c).test_client()
    path = url.removeprefix("http://wismo.test")
    page = client.get(path)  # a link scanner's GET changes nothing
    assert page.status_code == 200 and "Отписаться" in page.get_data(as_text=True)
    with c.session() as s:
        assert s.scalars(select(OptOut)).all() == []
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "anna@example.com" in done.get_data(as_text=True)
    assert done.headers["Referrer-Policy"] == "no-referrer"

    push(c, new.shop.id, "e3", S.DELIVERED, 9)
    with c.session() as s:
        states = dict(s.execute(select(Notification.status, Notification.state)).all())
    assert "delivered" not in states  # opted out: not even planned
    assert len(smtp_server.messages) == 2


def test_forged_unsubscribe_token_is_a_plain_404(sqlite_container):
    client = create_app(container=sqlite_container).test_client()
    assert client.post("/unsubscribe/forged.token").status_code == 404


def test_the_unsubscribe_page_carries_the_shops_header_and_ways_back(container):
    from core.links import UNSUBSCRIBE
    from core.storage.models import Customer

    new = add_shop(
        container,
        name="Chai & Kettle",
        branding={"store_url": "https://chai.example", "brand_color": "#b45309"},
    )
    push(container, new.shop.id, "e1", S.PLACED, 0)
    with container.session() as s:
        customer_id = s.scalar(select(Customer.id))
    token = container.links.token(UNSUBSCRIBE, new.shop.id, customer_id)
    client = create_app(container=container).test_client()
    for response in (client.get(f"/unsubscribe/{token}"), client.post(f"/unsubscribe/{token}")):
        page = response.get_data(as_text=True)
        assert 'class="shopbar"' in page and "Chai &amp; Kettle" in page
        assert 'href="https://chai.example"' in page and "Вернуться в Chai &amp; Kettle" in page
        assert f'href="/track?shop={new.shop.key}"' in page and "Отследить заказ" in page
        assert "--brand:#b45309" in page  # the brand colour, its style allowed by hash
        assert "sha256-" in response.headers["Content-Security-Policy"]
