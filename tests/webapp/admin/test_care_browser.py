"""The Care page and a care email in headless Chromium: Ukrainian, on a 390 px phone and a
desktop; nothing wider than the screen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.services.care import care_tick
from core.services.ingest import ingest
from core.storage.models import OutboxMessage
from tests.conftest import add_shop
from tests.support.browser import screenshot

from .helpers import make_staff
from .test_browser import sign_in

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _seed(c, time_machine):
    new = add_shop(
        c,
        name="Чайники та Ко",
        locale="uk",
        timezone="Europe/Kyiv",
        care={"discount": {"on": True, "after_days": 1, "codes": ["ВИБАЧТЕ-7F3K"]}},
    )
    make_staff(c, new.shop.id, "owner@kettles.example")
    olena = CustomerInfo(name="Олена Коваль", email="olena@example.com", locale="uk")
    point = {"name": "Відділення №12", "address": "вул. Хрещатик, 1", "keep_until": "2026-11-30"}
    events = [
        OrderEventIn(
            event_key="a",
            source="test",
            order_id="1001",
            number="#1001",
            occurred_at=T0 - timedelta(days=4),
            status=Status.SHIPPED,
            customer=olena,
            estimated_delivery=date(2026, 11, 28),
        ),
        OrderEventIn(
            event_key="b",
            source="test",
            order_id="1002",
            number="#1002",
            occurred_at=T0 - timedelta(days=3),
            status=Status.READY_FOR_PICKUP,
            customer=olena,
            shipment=ShipmentInfo(id="p1", pickup_point=point),
        ),
        OrderEventIn(
            event_key="c",
            source="test",
            order_id="1003",
            number="#1003",
            occurred_at=T0 - timedelta(hours=3),
            status=Status.ATTEMPTED_DELIVERY,
            customer=olena,
            shipment=ShipmentInfo(id="p1", carrier="Нова пошта"),
        ),
    ]
    time_machine.move_to(T0, tick=False)
    with c.session() as s:
        ingest(s, c.queue, new.shop.id, events, now=T0 - timedelta(days=4))
    care_tick(c.sessions, c.queue, now=T0)
    return new


def test_the_care_page_in_ukrainian_on_a_phone_and_a_desktop(
    sqlite_container, live_app, browser, time_machine
):
    _seed(sqlite_container, time_machine)
    time_machine.move_to(T0, tick=True)
    base = live_app(sqlite_container)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="uk-UA")
    page = context.new_page()
    sign_in(page, base)
    page.goto(base + "/admin/care")
    text = page.inner_text("main")
    assert "Потребує уваги" in text and "#1001" in text and "ВИБАЧТЕ-7F3K" in text
    assert "невдала спроба доставки" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "care-uk-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "care-uk-1280")
    context.close()


def test_the_delayed_email_with_its_code_reads_well_on_a_phone(
    sqlite_container, page, time_machine
):
    _seed(sqlite_container, time_machine)
    with sqlite_container.session() as s:
        mails = {m.subject: m.html for m in s.scalars(select(OutboxMessage)) if m.html}
    subject = next(k for k in mails if "затримується" in k)
    page.set_content(mails[subject])
    text = page.inner_text("body")
    assert "даруємо код знижки на наступне замовлення: ВИБАЧТЕ-7F3K" in " ".join(text.split())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "care-delayed-email-uk-390")
