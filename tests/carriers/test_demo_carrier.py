"""The demo carrier moves the demo's followed orders on by itself, as the clock advances."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.carriers.base import CarrierContext, Parcel
from core.carriers.demo import DemoCarrier
from core.domain.statuses import Status
from core.services.polling import poll_tick
from core.storage.models import Notification, Order
from wismo.demo_carrier import DEMO_POLICY, connect_demo_carrier, ship_followed_orders
from wismo.simulator import demo_shop

from .helpers import T0, FakeClock


def test_its_scans_follow_from_the_clock_alone():
    now = T0
    carrier = DemoCarrier.from_config({"step_seconds": 60}, CarrierContext(now=lambda: now))
    parcel = Parcel("WD0000000001", shipped_at=T0)
    assert carrier.track([parcel])[0].scans == ()
    now = T0 + timedelta(seconds=130)
    (update,) = carrier.track([parcel])
    assert [s.status for s in update.scans] == [Status.IN_TRANSIT, Status.READY_FOR_PICKUP]
    assert update.pickup_point is not None and update.pickup_point.deadline is not None
    assert carrier.track([parcel]) == [update]  # the same moment, the same answer
    now = T0 + timedelta(minutes=5)
    (done,) = carrier.track([parcel])
    assert done.status == Status.DELIVERED and done.final
    assert (
        DemoCarrier.recognise("WD0000000001") == 1.0
        and DemoCarrier.recognise("20450000000001") == 0
    )


def test_the_demos_followed_orders_reach_the_branch_and_delivery_by_themselves(
    container, time_machine
):
    time_machine.move_to(T0, tick=False)
    shop = demo_shop(container)
    connect_demo_carrier(container, shop.id, step_seconds=20)
    ship_followed_orders(container, shop.id, now=T0)

    def statuses():
        with container.session() as s:
            return [o.status for o in s.scalars(select(Order).order_by(Order.number))]

    def tick(seconds):
        at = T0 + timedelta(seconds=seconds)
        time_machine.move_to(at, tick=False)
        clock = FakeClock()
        poll_tick(container, now=at, policy=DEMO_POLICY, clock=clock, sleep=clock.sleep)

    tick(0)
    assert statuses() == ["shipped", "shipped", "shipped"]
    tick(25)
    assert statuses() == ["in_transit", "in_transit", "in_transit"]
    tick(45)
    assert statuses() == ["ready_for_pickup", "ready_for_pickup", "out_for_delivery"]
    tick(65)
    assert statuses() == ["delivered", "delivered", "attempted_delivery"]
    tick(85)
    assert statuses()[2] == "out_for_delivery"
    tick(105)
    assert statuses() == ["delivered", "delivered", "delivered"]
    with container.session() as s:
        pickup_sms = s.scalars(
            select(Notification).where(
                Notification.status == "ready_for_pickup", Notification.channel == "sms"
            )
        ).all()
    assert len(pickup_sms) == 2
