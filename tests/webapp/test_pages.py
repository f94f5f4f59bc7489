"""The HTML pages: demo dashboard, dev outbox and the shopper's tracking page."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.bootstrap import Container, bootstrap
from core.domain.states import MessageState
from core.links import TRACK, UNSUBSCRIBE
from core.settings import Settings
from core.storage.models import (
    Base,
    Customer,
    Notification,
    Order,
    OrderEvent,
    OutboxMessage,
    Shipment,
    Shop,
)
from webapp.app import create_app

XSS = "<script>alert(1)</script>"
T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
EMAIL_HTML = (
    '<html><body><h1 class="marker">Привіт</h1><script>alert("email")</script>'
    '<a href="http://127.0.0.1:5000/track/abc">Track</a></body></html>'
)
SMS_TEXT = "Замовлення #1001 відправлено, ТТН 20450012345678. Відстежити: http://127.0.0.1:5000/t/a"


@pytest.fixture
def container(tmp_path: Any) -> Container:
    c = bootstrap(Settings(database_url="sqlite:///" + str(tmp_path / "t.db"), inline_jobs=True))
    Base.metadata.create_all(c.engine)
    return c


@pytest.fixture
def ids(container: Container) -> dict[str, int]:
    """One Ukrainian order in transit (with a stale event) and a second shop's order."""
    with container.session() as s, s.begin():
        shop = Shop(
            key="k1",
            name="Chai & Kettle",
            platform="api",
            settings={"branding": {"brand_color": "#b45309", "support_email": "help@chai.example"}},
        )
        other = Shop(key="k2", name="Other shop", platform="api", settings={})
        s.add_all([shop, other])
        s.flush()
        customer = Customer(shop_id=shop.id, name=XSS, email="c@example.com", locale="uk")
        s.add(customer)
        s.flush()
        order = Order(
            shop_id=shop.id,
            external_id="o-1",
            number="#1001",
            customer_id=customer.id,
            status="in_transit",
            own_status="shipped",
            locale="uk",
            currency="UAH",
            total="1890.00",
            items_total=3,
            estimated_delivery=date(2025, 3, 14),
            items=[
                {"name": "Електрочайник", "quantity": 1, "price": "1250.00"},
                {"name": "Чай улун", "quantity": 2, "price": "320.00"},
            ],
        )
        s.add(order)
        s.flush()
        s.add(
            Shipment(
                shop_id=shop.id,
                order_id=order.id,
                external_id="p1",
                status="in_transit",
                carrier="Нова Пошта",
                tracking_number="20450012345678",
                tracking_url="https://novaposhta.ua/tracking/?cargo_number=20450012345678",
                items_count=1,
                estimated_delivery=date(2025, 3, 14),
                pickup_point={
                    "name": "Відділення №12",
                    "address": "вул. Хрещатик, 22",
                    "hours": "Пн–Сб 8:00–20:00",
                },
            )
        )
        s.add(
            Shipment(
                shop_id=shop.id,
                order_id=order.id,
                external_id="p2",
                tracking_url="javascript:alert(2)",
            )
        )
        for n, (status, outcome) in enumerate(
            [
                ("placed", "applied"),
                ("processing", "applied"),
                ("shipped", "applied"),
                ("placed", "stale"),
                ("in_transit", "applied"),
            ]
        ):
            s.add(
                OrderEvent(
                    shop_id=shop.id,
                    source="api",
                    event_key=f"e{n}",
                    order_external_id="o-1",
                    shipment_external_id="p1" if status == "in_transit" else None,
                    status=status,
                    occurred_at=T0 + timedelta(hours=n if outcome != "stale" else -1),
                    processed_at=T0,
                    outcome=outcome,
                    order_id=order.id,
                )
            )
        email_note = Notification(
            shop_id=shop.id,
            order_id=order.id,
            status="shipped",
            channel="email",
            state=MessageState.SENT,
            sent_at=T0,
        )
        sms_note = Notification(
            shop_id=shop.id,
            order_id=order.id,
            status="shipped",
            channel="sms",
            state=MessageState.SENT,
            sent_at=T0,
        )
        s.add_all([email_note, sms_note])
        s.flush()
        meta = {"order_number": "#1001", "locale": "uk", "status": "shipped"}
        email = OutboxMessage(
            shop_id=shop.id,
            notification_id=email_note.id,
            kind="email",
            recipient="c@example.com",
            subject=f"Замовлення #1001 {XSS}",
            text="Plain part: your parcel is on its way",
            html=EMAIL_HTML,
            meta=meta,
        )
        sms = OutboxMessage(
            shop_id=shop.id,
            notification_id=sms_note.id,
            kind="sms",
            recipient="+380501234567",
            text=SMS_TEXT,
            meta={**meta, "sms": {"encoding": "UCS-2", "characters": len(SMS_TEXT), "segments": 2}},
        )
        s.add_all([email, sms])
        foreign = Order(shop_id=other.id, external_id="x-1", number="#9009", status="placed")
        s.add(foreign)
        s.flush()
        return {
            "shop": shop.id,
            "other": other.id,
            "order": order.id,
            "foreign": foreign.id,
            "email": email.id,
            "sms": sms.id,
        }


@pytest.fixture
def app(container: Container, ids: dict[str, int]) -> Flask:
    app = create_app(container=container)
    app.config["WISMO_DEMO"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def track_url(container: Container, shop_id: int, order_id: int) -> str:
    return f"/track/{container.links.token(TRACK, shop_id, order_id)}"


def page(client: FlaskClient, url: str, **kwargs: Any) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- the demo dashboard ---


def test_home_lists_orders_with_their_timeline_in_demo_mode(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    html = page(client, "/")
    assert "#1001" in html and "#9009" in html
    assert "In transit" in html  # the current status, in English
    assert "1 of 3 items shipped" in html
    assert "stale event ignored" in html
    assert f'href="/dev/outbox/{ids["email"]}"' in html  # the message links to its outbox entry
    assert 'href="/dev/outbox"' in html
    assert re.search(r'<span class="stat-n">2</span><span class="stat-l">messages sent', html)
    assert "/track/" in html


def test_home_fragment_for_live_updates(client: FlaskClient) -> None:
    html = page(client, "/?partial=1")
    assert "#1001" in html and "<html" not in html


def test_home_without_demo_mode_is_a_landing_page_without_data(app: Flask) -> None:
    app.config["WISMO_DEMO"] = False
    client = app.test_client()
    html = page(client, "/")
    assert "#1001" not in html and "Chai" not in html
    assert 'href="/openapi.json"' in html and 'href="/healthz"' in html
    assert client.get("/dev/outbox").status_code == 404
    assert client.get("/dev/outbox/1").status_code == 404


# --- the dev outbox ---


def test_outbox_lists_messages_and_filters(client: FlaskClient) -> None:
    html = page(client, "/dev/outbox")
    assert "c@example.com" in html and "+380501234567" in html
    html = page(client, "/dev/outbox?kind=sms")
    assert "+380501234567" in html and "c@example.com" not in html
    html = page(client, "/dev/outbox?locale=en")
    assert "+380501234567" not in html and "c@example.com" not in html
    assert "#1001" in page(client, "/dev/outbox?locale=uk")


def test_email_html_only_inside_a_sandboxed_iframe(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    html = page(client, f"/dev/outbox/{ids['email']}")
    assert '<h1 class="marker">' not in html and 'alert("email")' not in html
    frame = re.search(r"<iframe[^>]*>", html)
    assert frame is not None
    tag = frame.group(0)
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in tag
    assert "allow-scripts" not in tag and "allow-same-origin" not in tag
    assert "&lt;h1 class=&#34;marker&#34;&gt;" in tag  # escaped, inside srcdoc
    assert "&lt;base target=&#34;_blank&#34;&gt;" in tag  # so its links open
    assert "Plain part: your parcel is on its way" in html
    assert "script-src" not in html
    assert client.get("/dev/outbox/99999").status_code == 404


def test_sms_shows_encoding_and_segments(client: FlaskClient, ids: dict[str, int]) -> None:
    html = page(client, f"/dev/outbox/{ids['sms']}")
    assert "UCS-2" in html
    assert "<strong>2</strong>" in html  # segments
    assert f"<dd>{len(SMS_TEXT)}</dd>" in html
    assert 'href="http://127.0.0.1:5000/t/a"' in html  # its link is clickable


# --- the tracking page ---


def test_tracking_page_in_ukrainian(
    client: FlaskClient, container: Container, ids: dict[str, int]
) -> None:
    html = page(client, track_url(container, ids["shop"], ids["order"]))
    assert '<html lang="uk">' in html
    assert "У дорозі" in html and "Посилка прямує до вас мережею перевізника." in html
    assert "Історія" in html and "Замовлення #1001" in html
    assert "Chai &amp; Kettle" in html
    assert "Нова Пошта" in html and "20450012345678" in html
    assert 'href="https://novaposhta.ua/tracking/?cargo_number=20450012345678"' in html
    assert "javascript:" not in html
    assert "Відділення №12" in html and "Пн–Сб 8:00–20:00" in html
    assert "Електрочайник" in html and "2×" in html
    assert "14 березня 2025" in html
    assert 'aria-current="step"' in html
    assert "stale" not in html  # only applied milestones are shown


def test_tracking_page_language_falls_back_to_the_browser(
    client: FlaskClient, container: Container, ids: dict[str, int]
) -> None:
    with container.session() as s, s.begin():
        order = s.get(Order, ids["order"])
        assert order is not None and order.customer is not None
        order.locale, order.customer.locale = None, None
    url = track_url(container, ids["shop"], ids["order"])
    html = page(client, url, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in html
    assert "In transit" in html and "History" in html and "Order #1001" in html
    html = page(client, url, headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"})
    assert "У дорозі" in html
    assert '<html lang="en">' in page(client, url)  # nothing known: English


def test_tracking_page_shows_an_overlay_with_its_reason(
    client: FlaskClient, container: Container, ids: dict[str, int]
) -> None:
    with container.session() as s, s.begin():
        order = s.get(Order, ids["order"])
        assert order is not None
        order.overlay, order.reason = "delayed", "Погода"
    html = page(client, track_url(container, ids["shop"], ids["order"]))
    assert "Затримується" in html and "Погода" in html and "Нова орієнтовна дата" in html


@pytest.mark.parametrize("kind", ["forged", "foreign", "purpose", "garbage"])
def test_tracking_page_404_reveals_nothing(
    client: FlaskClient, container: Container, ids: dict[str, int], kind: str
) -> None:
    token = {
        "forged": bootstrap(
            Settings(database_url="sqlite://", secret_key="another-key")
        ).links.token(TRACK, ids["shop"], ids["order"]),
        "foreign": container.links.token(TRACK, ids["other"], ids["order"]),
        "purpose": container.links.token(UNSUBSCRIBE, ids["shop"], ids["order"]),
        "garbage": "not-a-token",
    }[kind]
    response = client.get(f"/track/{token}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "#1001" not in html and "Chai" not in html
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_tracking_page_security_headers(
    client: FlaskClient, container: Container, ids: dict[str, int]
) -> None:
    response = client.get(track_url(container, ids["shop"], ids["order"]))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert "<script" not in html  # no inline (or any) scripts
    # the one inline style is allowed by its hash, so no other style can be injected
    digest = re.search(r"'sha256-([^']+)'", csp)
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert digest and style and "--brand:#b45309" in style.group(1)
    expected = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert digest.group(1) == expected


def test_a_hostile_brand_colour_never_reaches_the_css(
    client: FlaskClient, container: Container, ids: dict[str, int]
) -> None:
    with container.session() as s, s.begin():
        shop = s.get(Shop, ids["shop"])
        assert shop is not None
        shop.settings = {
            "branding": {
                "brand_color": "red}</style><script>x()</script>",
                "logo_url": "javascript:alert(1)",
            }
        }
    html = page(client, track_url(container, ids["shop"], ids["order"]))
    assert "x()" not in html and "javascript:" not in html
    assert "--brand:#0f766e" in html


def test_customer_name_is_escaped_everywhere(
    client: FlaskClient, container: Container, ids: dict[str, int]
) -> None:
    urls = [
        "/",
        "/?partial=1",
        "/dev/outbox",
        f"/dev/outbox/{ids['email']}",
        track_url(container, ids["shop"], ids["order"]),
    ]
    for url in urls:
        html = page(client, url)
        assert XSS not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(client, "/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(
        client, track_url(container, ids["shop"], ids["order"])
    )


def test_static_stylesheet_is_served(client: FlaskClient) -> None:
    response = client.get("/static/wismo.css")
    assert response.status_code == 200 and b"--brand" in response.data
    response.close()


def test_a_broken_tracking_link_leads_to_the_lookup_form(container):
    from webapp import create_app

    client = create_app(container=container).test_client()
    for language, words in (("en", "Find your order"), ("uk", "Знайти замовлення")):
        page = client.get("/track/broken.link", headers={"Accept-Language": language})
        assert page.status_code == 404
        html = page.get_data(as_text=True)
        assert 'href="/track"' in html and words in html
