"""End to end in the demo: a parcel that stalls and a parcel that waits at the branch.

The demo's own pieces (its shop, the demo carrier, the follower, the care job) on a frozen
clock: nothing but the carrier's scans and the care job moves these orders, and the
shoppers get "we are checking" and "your parcel is waiting" by themselves, once each.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.services.care import care_tick
from core.services.polling import poll_tick
from core.storage.models import CareAction, Notification, Order, OutboxMessage
from tests.carriers.helpers import T0, FakeClock
from wismo.demo_carrier import DEMO_POLICY, connect_demo_carrier, ship_care_orders
from wismo.simulator import demo_shop


def test_the_demo_stalled_parcel_and_the_uncollected_one_make_their_messages(
    container, time_machine
):
    time_machine.move_to(T0, tick=False)
    shop = demo_shop(container)
    connect_demo_carrier(container, shop.id, step_seconds=20)
    ship_care_orders(container, shop.id, now=T0)

    def at(seconds):
        moment = T0 + timedelta(seconds=seconds)
        time_machine.move_to(moment, tick=False)
        return moment

    for seconds in (0, 25, 45, 65):
        clock = FakeClock()
        poll_tick(container, now=at(seconds), policy=DEMO_POLICY, clock=clock, sleep=clock.sleep)
    with container.session() as s:
        statuses = {o.number: o.status for o in s.scalars(select(Order))}
    assert statuses == {"#2004": "in_transit", "#2005": "ready_for_pickup"}
    for seconds in (70, 120, 200, 300, 400):
        care_tick(container.sessions, container.queue, now=at(seconds))
    with container.session() as s:
        steps = sorted((a.order_id, a.rule, a.step) for a in s.scalars(select(CareAction)))
        numbers = {o.id: o.number for o in s.scalars(select(Order))}
        care_notes = [
            (numbers[n.order_id], n.status, n.channel, n.state)
            for n in s.scalars(select(Notification).where(Notification.event_facts.is_not(None)))
            if (n.event_facts or {}).get("care")
        ]
        texts = {m.recipient: m.text for m in s.scalars(select(OutboxMessage))}
    assert [(numbers[o], r, st) for o, r, st in steps] == [
        ("#2004", "stalled", "flag"),
        ("#2004", "stalled", "tell"),
        ("#2005", "pickup", "first"),
    ]
    # one message per switched-on channel, each sent once
    assert {(number, status) for number, status, _, _ in care_notes} == {
        ("#2004", "delayed"),
        ("#2005", "ready_for_pickup"),
    }
    assert len({(n, st, ch) for n, st, ch, _ in care_notes}) == len(care_notes)
    assert {state for *_, state in care_notes} == {"sent"}
    assert "давно не повідомляв про рух вашої посилки" in texts["taras@example.com"]
    assert "Напоминаем: посылка всё ещё ждёт вас." in texts["iryna@example.com"]
    assert "Demo Post branch No. 7" in texts["iryna@example.com"]
