"""The courier's delivery window, as the demo carrier gives it, in the out-for-delivery
message (in the shopper's language and zone), on the tracking page and in the widget."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.services.polling import poll_tick
from core.storage.models import Notification, Order, Shipment
from tests.conftest import add_shop, make_container
from webapp import create_app
from wismo.demo_carrier import DEMO_POLICY

from .helpers import T0, FakeClock, ship

pytestmark = pytest.mark.integration
NUMBER = "WD0000000015"  # ends in 5: the demo carrier's route to the door


@pytest.fixture
def mailing(database_url, smtp_server):
    c = make_container(database_url, smtp_url=smtp_server.url + "?from=shop@example.com")
    yield c
    c.engine.dispose()


def tick(c, at, time_machine):
    time_machine.move_to(at, tick=False)  # the demo carrier reads the clock
    clock = FakeClock()
    poll_tick(c, now=at, policy=DEMO_POLICY, clock=clock, sleep=clock.sleep)


def test_out_for_delivery_says_when_the_courier_comes(mailing, smtp_server, time_machine):
    c = mailing
    time_machine.move_to(T0, tick=False)
    new = add_shop(
        c,
        country="UA",
        locale="uk",
        timezone="Europe/Kyiv",
        carriers=[{"carrier": "demo", "step_seconds": 3600}],
        policy={"matrix": {"out_for_delivery": {"email": True}}},
    )
    ship(c, new.shop.id, "1001", NUMBER, carrier="Demo Post")
    tick(c, T0, time_machine)  # followed from now: with the courier two hours on (15:00 UTC)
    tick(c, T0 + timedelta(hours=1, minutes=1), time_machine)
    tick(c, T0 + timedelta(hours=2, minutes=1), time_machine)

    with c.session() as s:
        (note,) = s.scalars(
            select(Notification).where(
                Notification.status == "out_for_delivery", Notification.channel == "email"
            )
        ).all()
        assert note.state == "sent", note.last_error
        # the next full hour after 15:00 UTC, two hours: 19:00-21:00 in Kyiv, the same day
        assert "доставить її сьогодні з 19:00 до 21:00." in note.body_text
        order = s.scalars(select(Order)).one()
        shipment = s.scalars(select(Shipment)).one()
        assert shipment.delivery_window == {
            "from": "2026-09-14T16:00:00+00:00",
            "to": "2026-09-14T18:00:00+00:00",
        }
    client = create_app(container=c).test_client()
    r = client.post(
        "/api/v1/widget/lookup",
        json={
            "shop": new.shop.key,
            "number": order.number,
            "contact": "1001@example.com",
            "locale": "uk",
        },
    )
    (parcel,) = r.get_json()["shipments"]
    assert parcel["delivery_window"] == {
        "from": "2026-09-14T16:00:00+00:00",
        "to": "2026-09-14T18:00:00+00:00",
        "text": "14 вер., 19:00–21:00",
    }
    page = client.get(r.get_json()["tracking_url"].split("localhost", 1)[-1].split("?")[0])
    html = page.get_data(as_text=True)
    assert "Кур&#39;єр приїде" in html and "14 вер., 19:00–21:00" in html

    tick(c, T0 + timedelta(hours=3, minutes=1), time_machine)  # missed: no window shown
    r = client.post(
        "/api/v1/widget/lookup",
        json={
            "shop": new.shop.key,
            "number": order.number,
            "contact": "1001@example.com",
            "locale": "uk",
        },
    )
    (parcel,) = r.get_json()["shipments"]
    assert parcel["status"] == "attempted_delivery" and parcel["delivery_window"] is None
