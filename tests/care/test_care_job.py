"""The care job with a frozen clock: each rule fires once, at its time, and never again.

Real storage (SQLite, and PostgreSQL when configured), the real pipeline run inline, the
dev outbox as the channel: what a shopper would read is what these tests read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.services.care import care_tick
from core.services.ingest import ingest
from core.storage.models import (
    CareAction,
    CareWatch,
    CarrierScan,
    FollowedParcel,
    Notification,
    OutboxMessage,
    Shipment,
)
from tests.conftest import add_shop, make_container

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
OLENA = CustomerInfo(name="Олена Коваль", email="olena@example.com", locale="uk")


def send(c, shop_id, key, status, at, order="1001", **fields):
    """One event through the one way in, processed and delivered inline."""
    ev = OrderEventIn(
        event_key=key,
        source="test",
        order_id=order,
        number=f"#{order}",
        occurred_at=at,
        status=status,
        customer=OLENA,
        **fields,
    )
    with c.session() as s:
        ingest(s, c.queue, shop_id, [ev], now=at)


def tick(c, at, time_machine):
    time_machine.move_to(at, tick=False)
    return care_tick(c.sessions, c.queue, now=at)


def outbox(c, shop_id):
    with c.session() as s:
        return [
            (m.subject, m.text)
            for m in s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.shop_id == shop_id)
                .order_by(OutboxMessage.id)
            )
        ]


def actions(c, shop_id):
    with c.session() as s:
        return sorted(
            (a.rule, a.step)
            for a in s.scalars(select(CareAction).where(CareAction.shop_id == shop_id))
        )


def notes(c, shop_id, status):
    with c.session() as s:
        return s.scalars(
            select(Notification).where(
                Notification.shop_id == shop_id, Notification.status == status
            )
        ).all()


def test_a_late_order_gets_one_delayed_message_with_a_new_date_and_no_second_after_a_restart(
    container, time_machine, database_url
):
    shop = add_shop(container, locale="uk", timezone="Europe/Kyiv").shop
    time_machine.move_to(T0, tick=False)
    send(container, shop.id, "placed", Status.PLACED, T0, estimated_delivery=date(2026, 12, 3))
    # the 3rd ends at 22:00 UTC in Kyiv; 12 h of grace: due at 10:00 UTC on the 4th
    assert tick(container, datetime(2026, 12, 4, 9, 59, tzinfo=UTC), time_machine).steps == 0
    assert notes(container, shop.id, "delayed") == []
    report = tick(container, datetime(2026, 12, 4, 10, 0, tzinfo=UTC), time_machine)
    assert report.steps == 1
    (note,) = notes(container, shop.id, "delayed")
    assert note.state == "sent"
    subject, text = outbox(container, shop.id)[-1]
    assert "затримується" in subject
    assert "Ми помітили це раніше, ніж вам довелося питати" in text
    # the promise engine's new range: from the next open day (Sat 5 and Sun 6 are not), as
    # wide as the passed one; the message names its last day
    text = " ".join(text.split())  # Babel's dates hold no-break spaces
    assert "Нова орієнтовна дата доставки: 8 грудня 2026 р. (була 3 грудня 2026 р.)" in text
    # a second tick, and a new process on the same database, do nothing more
    assert tick(container, datetime(2026, 12, 4, 11, 0, tzinfo=UTC), time_machine).steps == 0
    other = make_container(database_url)
    try:
        assert tick(other, datetime(2026, 12, 5, 11, 0, tzinfo=UTC), time_machine).steps == 0
        assert len(notes(other, shop.id, "delayed")) == 1
        assert actions(other, shop.id) == [("late", "delay")]
    finally:
        other.engine.dispose()


def test_the_care_job_looks_only_at_orders_that_are_due(container, time_machine):
    shop = add_shop(container).shop
    time_machine.move_to(T0, tick=False)
    for n in range(5):
        send(
            container,
            shop.id,
            f"p{n}",
            Status.PLACED,
            T0,
            order=f"{n}",
            estimated_delivery=date(2026, 12, 20),
        )
    first = tick(container, T0 + timedelta(minutes=1), time_machine)
    assert (first.discovered, first.examined) == (5, 5)
    again = tick(container, T0 + timedelta(minutes=2), time_machine)
    assert (again.discovered, again.examined) == (0, 0)  # nothing changed, nothing due
    with container.session() as s:
        due = {w.next_care_at for w in s.scalars(select(CareWatch))}
    assert due == {T0 + timedelta(minutes=1, hours=12)}  # the twelve-hourly look


def test_a_parcel_at_the_branch_is_reminded_the_next_day_and_on_its_last_day(
    container, time_machine
):
    shop = add_shop(container, locale="uk", timezone="Europe/Kyiv").shop
    point = {"name": "Відділення №12", "address": "вул. Хрещатик, 1", "keep_until": "2026-12-08"}
    time_machine.move_to(T0, tick=False)
    parcel = ShipmentInfo(
        id="p1", carrier="Нова пошта", tracking_number="20450000000777", pickup_point=point
    )
    send(container, shop.id, "ship", Status.SHIPPED, T0 - timedelta(days=1), shipment=parcel)
    send(container, shop.id, "branch", Status.READY_FOR_PICKUP, T0, shipment=parcel)
    base = len(outbox(container, shop.id))
    assert tick(container, T0 + timedelta(hours=23), time_machine).steps == 0
    assert tick(container, T0 + timedelta(hours=24), time_machine).steps == 1
    subject, text = outbox(container, shop.id)[-1]
    assert subject.startswith("Нагадування: замовлення #1001 чекає на вас")
    assert "Нагадуємо: посилка досі чекає на вас." in text and "Відділення №12" in text
    # the 8th ends at 22:00 UTC in Kyiv; 14 h before: 08:00 UTC (10:00 in Kyiv)
    assert tick(container, datetime(2026, 12, 8, 7, 59, tzinfo=UTC), time_machine).steps == 0
    assert tick(container, datetime(2026, 12, 8, 8, 0, tzinfo=UTC), time_machine).steps == 1
    subject, text = outbox(container, shop.id)[-1]
    assert subject.startswith("Останній день, щоб забрати замовлення #1001")
    assert "заберіть посилку до 8 груд" in text
    assert len(outbox(container, shop.id)) == base + 2
    # past the deadline: the merchant's list, no third message
    assert tick(container, datetime(2026, 12, 9, 0, 0, tzinfo=UTC), time_machine).steps == 1
    assert len(outbox(container, shop.id)) == base + 2
    assert actions(container, shop.id) == [
        ("pickup", "first"),
        ("pickup", "flag"),
        ("pickup", "last"),
    ]


def follow(c, shop_id, last_scan):
    """The shipment followed at its carrier, with one scan (as the follower stores them)."""
    with c.session() as s, s.begin():
        ship = s.scalars(select(Shipment).where(Shipment.shop_id == shop_id)).one()
        parcel = FollowedParcel(
            shop_id=shop_id,
            shipment_id=ship.id,
            order_external_id="1001",
            shipment_external_id=ship.external_id,
            number=ship.tracking_number,
            carrier="novaposhta",
            detected_by="name",
            state="active",
            created_at=last_scan,
        )
        s.add(parcel)
        s.flush()
        s.add(
            CarrierScan(
                shop_id=shop_id,
                parcel_id=parcel.id,
                scan_id="s1",
                occurred_at=last_scan,
                code="5",
                description="Прямує до міста",
                status="in_transit",
            )
        )


def test_a_stalled_parcel_is_flagged_then_the_shopper_is_told_it_is_being_checked(
    container, time_machine
):
    shop = add_shop(container, locale="uk", care={"stalled_carriers": {"novaposhta": 48}}).shop
    time_machine.move_to(T0, tick=False)
    parcel = ShipmentInfo(id="p1", carrier="Нова пошта", tracking_number="20450000000777")
    send(container, shop.id, "ship", Status.SHIPPED, T0, shipment=parcel)
    send(container, shop.id, "transit", Status.IN_TRANSIT, T0, shipment=parcel)
    follow(container, shop.id, T0)
    assert tick(container, T0 + timedelta(hours=47), time_machine).steps == 0
    assert tick(container, T0 + timedelta(hours=48), time_machine).steps == 1
    assert actions(container, shop.id) == [("stalled", "flag")]
    assert notes(container, shop.id, "delayed") == []
    assert tick(container, T0 + timedelta(hours=72), time_machine).steps == 1
    subject, text = outbox(container, shop.id)[-1]
    assert subject == "Ми перевіряємо, де замовлення #1001"
    assert "тож ми з'ясовуємо в нього, що з нею" in text
    tick(container, T0 + timedelta(hours=200), time_machine)  # (by now it is late, too)
    stalled = [a for a in actions(container, shop.id) if a[0] == "stalled"]
    assert stalled == [("stalled", "flag"), ("stalled", "tell")]


def test_a_failed_attempt_tells_the_next_steps_once(container, time_machine):
    shop = add_shop(container, locale="en", branding={"support_email": "help@shop.test"}).shop
    time_machine.move_to(T0, tick=False)
    parcel = ShipmentInfo(id="p1", carrier="Nova Poshta", tracking_number="20450000000777")
    send(container, shop.id, "ship", Status.SHIPPED, T0 - timedelta(days=1), shipment=parcel)
    send(container, shop.id, "miss", Status.ATTEMPTED_DELIVERY, T0, shipment=parcel)
    assert tick(container, T0 + timedelta(minutes=1), time_machine).steps == 1  # the alert
    assert tick(container, T0 + timedelta(hours=1), time_machine).steps == 1  # next steps
    _, text = outbox(container, shop.id)[-1]
    assert "Що далі: зателефонуйте перевізнику за номером" in text
    assert tick(container, T0 + timedelta(hours=30), time_machine).steps == 0
    assert actions(container, shop.id) == [("problem", "flag"), ("problem", "tell")]


def test_care_messages_wait_for_the_end_of_the_shoppers_quiet_hours(
    container, time_machine, http_stub
):
    from tests.support.channels import TWILIO_PATH, shop_with, twilio_provider

    http_stub.route("POST", TWILIO_PATH, status=201, json={"sid": "SM" + "c" * 32})
    sms, secret = twilio_provider(http_stub.url)
    shop = shop_with(
        container,
        {"sms": [sms]},
        {"sms": [secret]},
        matrix={"ready_for_pickup": {"sms": True, "email": False}},
        timezone="Europe/Kyiv",
    ).shop
    with container.session() as s, s.begin():
        from core.storage.models import Shop

        row = s.get(Shop, shop.id)
        row.settings = {
            **row.settings,
            "policy": {**row.settings["policy"], "quiet_hours": ["21:00", "08:00"]},
        }
    arrived = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)  # 22:30 in Kyiv
    time_machine.move_to(arrived, tick=False)
    olena = CustomerInfo(name="Олена", phone="+380671234567", locale="uk")
    parcel = ShipmentInfo(id="p1", carrier="Нова пошта", tracking_number="20450000000777")
    ev = OrderEventIn(
        event_key="b",
        source="test",
        order_id="1001",
        number="#1001",
        occurred_at=arrived,
        status=Status.READY_FOR_PICKUP,
        customer=olena,
        shipment=parcel,
    )
    with container.session() as s:
        ingest(s, container.queue, shop.id, [ev], now=arrived)
    tick(container, arrived + timedelta(hours=24), time_machine)  # 22:30 the next night
    with container.session() as s:
        (reminder,) = s.scalars(
            select(Notification).where(Notification.shipment_key.like("%~care-%"))
        ).all()
    assert reminder.channel == "sms"
    assert reminder.not_before == datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # 08:00 in Kyiv
    assert reminder.state == "pending"
