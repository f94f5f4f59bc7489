"""The browser fixtures work: a real order's tracking page renders in headless Chromium."""

from datetime import UTC, datetime

from core.domain.events import CustomerInfo, OrderEventIn
from core.domain.statuses import Status
from core.services.pipeline import accept_event, process_event
from core.services.tracking_links import tracking_url
from core.storage.models import Order, OrderEvent
from tests.conftest import add_shop


def test_tracking_page_renders_in_chromium(sqlite_container, live_app, page):
    shop = add_shop(sqlite_container)
    with sqlite_container.session() as s:
        event = OrderEventIn(
            event_key="e1",
            source="api",
            order_id="501",
            number="501",
            status=Status.SHIPPED,
            occurred_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
            customer=CustomerInfo(name="Olha <b>K</b>", email="olha@example.com", locale="uk"),
        )
        accepted = accept_event(s, shop.shop.id, event)
        process_event(s, accepted.event_id)
        order = s.get(Order, s.get(OrderEvent, accepted.event_id).order_id)
        link = tracking_url(sqlite_container.links, order)
        s.commit()  # the order's public id, given on first use
    base = live_app(sqlite_container)
    page.goto(base + link[link.index("/track/") :])
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.lang") == "uk"
    assert "<b>" not in page.content().split("Olha", 1)[-1][:10]
