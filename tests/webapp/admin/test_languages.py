"""The admin speaks the staff member's language: chosen once, else the browser's."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.domain.statuses import Status
from core.storage.models import OutboxMessage, StaffUser

from .helpers import Admin, order_event

_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def test_accept_language_picks_the_admin_language_until_the_staff_member_chooses(app, owner):
    client = app.test_client()
    page = client.get("/admin/sign-in", headers={"Accept-Language": "uk-UA,uk;q=0.9"}).text
    assert '<html lang="uk">' in page and "Вхід до Wismo" in page
    page = client.get("/admin/sign-in", headers={"Accept-Language": "ru-RU"}).text
    assert '<html lang="ru">' in page and "Вход в Wismo" in page
    page = client.get("/admin/sign-in", headers={"Accept-Language": "de-DE"}).text
    assert '<html lang="en">' in page and "Sign in to Wismo" in page
    page = client.get("/admin/sign-in?locale=uk-UA", headers={"Accept-Language": "en"}).text
    assert '<html lang="uk">' in page  # Shopify opens embedded apps with ?locale=


def test_the_choice_is_stored_on_the_staff_member_and_wins_over_the_browser(app, container, owner):
    admin = Admin(app, "owner@a.example")
    r = admin.post("/admin/language", {"locale": "ru", "next": "/admin/orders"})
    assert r.status_code == 302 and r.headers["Location"] == "/admin/orders"
    with container.session() as s:
        assert (
            s.scalar(select(StaffUser.locale).where(StaffUser.email == "owner@a.example")) == "ru"
        )
    other_browser = Admin(app, "owner@a.example")
    page = other_browser.get("/admin/orders", headers={"Accept-Language": "uk"}).text
    assert '<html lang="ru">' in page and "<h1>Заказы</h1>" in page
    assert admin.post("/admin/language", {"locale": "xx"}).status_code == 302
    with container.session() as s:
        assert (
            s.scalar(select(StaffUser.locale).where(StaffUser.email == "owner@a.example")) == "ru"
        )


def test_switching_back_never_redirects_off_the_admin(app, owner):
    admin = Admin(app, "owner@a.example")
    r = admin.post("/admin/language", {"locale": "en", "next": "https://evil.example/"})
    assert r.headers["Location"] == "/admin/"


def test_statuses_states_and_counts_read_as_words_in_ukrainian(app, container, owner):
    for n, status in enumerate((Status.PLACED, Status.SHIPPED, Status.IN_TRANSIT)):
        order_event(container, owner.shop.id, f"e{n}", "1001", status)
    admin = Admin(app, "owner@a.example")
    admin.post("/admin/language", {"locale": "uk"})
    orders = admin.get("/admin/orders").text
    assert "У дорозі" in orders and "in_transit" not in orders.replace(
        'data-status="in_transit"', ""
    )
    log = admin.get("/admin/log").text
    assert "Журнал повідомлень" in log and ">надіслано<" in log
    dashboard = admin.get("/admin/dashboard").text
    assert "message(s)" not in dashboard and "rating(s)" not in dashboard


def test_the_sign_in_link_email_is_in_the_staff_members_language(app, container, owner):
    with container.session() as s, s.begin():
        s.scalars(select(StaffUser).where(StaffUser.email == "owner@a.example")).one().locale = "uk"
    client = app.test_client()
    token = _TOKEN.search(client.get("/admin/sign-in").text)[1]
    client.post("/admin/sign-in/link", data={"email": "owner@a.example", "csrf_token": token})
    with container.session() as s:
        mail = s.scalars(select(OutboxMessage)).one()
    assert mail.subject == "Посилання для входу в Wismo"
    assert mail.text.startswith("Вхід до адмінки Wismo магазину Shop A:")
    assert "Посилання діє один раз протягом" in mail.text
