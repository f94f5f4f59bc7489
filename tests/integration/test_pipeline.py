"""The pipeline on a real database: idempotency, ordering, rules, dead letters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.states import MessageState
from core.domain.statuses import Status as S
from core.services.pipeline import accept_event, process_event
from core.services.shops import update_settings
from core.storage.models import Notification, Order, OrderEvent, OutboxMessage, Shop
from tests.conftest import add_shop
from tests.support.ticks import deliver, relay_tick

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OLENA = CustomerInfo(
    name="Олена Петренко",
    email="olena@example.com",
    phone="+380501234567",
    locale="uk",
    timezone="Europe/Kyiv",
)


def event(
    key: str,
    status: S | None,
    hours: float = 0,
    order: str = "1001",
    shipment: ShipmentInfo | None = None,
    **kw,
) -> OrderEventIn:
    kw.setdefault("items", [{"name": "Чайник", "quantity": 1, "price": "1250.00"}])
    return OrderEventIn(
        event_key=key,
        source="test",
        order_id=order,
        number=f"#{order}",
        occurred_at=T0 + timedelta(hours=hours),
        status=status,
        customer=OLENA,
        total="1250.00",
        currency="UAH",
        shipment=shipment,
        **kw,
    )


def push(c, shop_id: int, ev: OrderEventIn) -> bool:
    """Accept and (inline) process one event; whether it was new."""
    with c.session() as s:
        accepted = accept_event(s, shop_id, ev)
    if not accepted.duplicate:
        c.queue.enqueue("process_event", accepted.event_id)
    return not accepted.duplicate


def sent(c, shop_id: int | None = None) -> list[tuple[str, str, str]]:
    with c.session() as s:
        q = select(Notification.status, Notification.channel, Notification.state).order_by(
            Notification.id
        )
        if shop_id:
            q = q.where(Notification.shop_id == shop_id)
        return [tuple(r) for r in s.execute(q)]


def order_of(c, shop_id: int, external_id: str = "1001") -> Order:
    with c.session() as s:
        return s.scalars(
            select(Order).where(Order.shop_id == shop_id, Order.external_id == external_id)
        ).one()


def test_placed_event_sends_one_confirmation_in_the_shoppers_language(container, shop):
    assert push(container, shop.shop.id, event("e1", S.PLACED))
    assert sent(container) == [("placed", "email", "sent")]
    with container.session() as s:
        out = s.scalars(select(OutboxMessage)).one()
    assert out.recipient == "olena@example.com"
    assert out.meta["locale"] == "uk" and "#1001" in (out.subject or "")
    assert "Олено" in out.text or "Олена" in out.text


def test_the_same_event_twice_gives_one_message(container, shop):
    assert push(container, shop.shop.id, event("e1", S.PLACED))
    assert not push(container, shop.shop.id, event("e1", S.PLACED))
    assert sent(container) == [("placed", "email", "sent")]
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(OrderEvent)) == 1


def test_the_same_status_from_two_sources_gives_one_message(container, shop):
    push(container, shop.shop.id, event("platform-1", S.PLACED))
    push(container, shop.shop.id, event("erp-1", S.PLACED, hours=0.1))
    assert sent(container) == [("placed", "email", "sent")]


def test_events_in_reverse_order_end_right_and_send_nothing_backwards(container, shop):
    parcel = ShipmentInfo(id="p1", carrier="Нова Пошта", tracking_number="20450000000000")
    evs = [
        event("e1", S.PLACED, 0),
        event("e2", S.SHIPPED, 5, shipment=parcel),
        event("e3", S.DELIVERED, 50, shipment=parcel),
    ]
    for ev in reversed(evs):
        push(container, shop.shop.id, ev)
    order = order_of(container, shop.shop.id)
    assert order.status == "delivered"
    # the confirmation never sent comes with the first news; the stale "placed" adds nothing
    assert sent(container) == [("placed", "email", "sent"), ("delivered", "email", "sent")]
    with container.session() as s:
        outcomes = dict(s.execute(select(OrderEvent.event_key, OrderEvent.outcome)).all())
    assert outcomes == {"e3": "applied", "e2": "stale", "e1": "stale"}


def test_split_shipment_derives_the_order_status(container, shop):
    sid = shop.shop.id
    items = [{"name": n, "quantity": 1, "price": "10.00"} for n in ("A", "B", "C")]
    push(container, sid, event("e1", S.PLACED, 0, items=items))
    push(
        container,
        sid,
        event("e2", S.SHIPPED, 2, shipment=ShipmentInfo(id="p1", items_count=2), items=items),
    )
    push(container, sid, event("e3", S.DELIVERED, 9, shipment=ShipmentInfo(id="p1"), items=items))
    assert order_of(container, sid).status == "shipped"  # 2 of 3 items shipped
    push(
        container,
        sid,
        event("e4", S.SHIPPED, 10, shipment=ShipmentInfo(id="p2", items_count=1), items=items),
    )
    push(container, sid, event("e5", S.DELIVERED, 20, shipment=ShipmentInfo(id="p2"), items=items))
    assert order_of(container, sid).status == "delivered"
    # one shipped message per parcel; the first delivery is partial, the last the order's own
    with container.session() as s:
        keys = s.execute(
            select(Notification.status, Notification.shipment_key).order_by(Notification.id)
        ).all()
    assert [tuple(k) for k in keys] == [
        ("placed", ""),
        ("shipped", "p1"),
        ("delivered", "p1"),
        ("shipped", "p2"),
        ("delivered", ""),
    ]


def test_delay_overlay_is_announced_and_cleared(container, shop):
    sid, p1 = shop.shop.id, ShipmentInfo(id="p1")
    push(container, sid, event("e1", S.SHIPPED, 0, shipment=p1))
    push(container, sid, event("e2", S.DELAYED, 5, shipment=p1, reason="Storm"))
    o = order_of(container, sid)
    assert (o.status, o.overlay, o.reason) == ("shipped", "delayed", "Storm")
    push(container, sid, event("e3", S.OUT_FOR_DELIVERY, 9, shipment=p1))
    assert order_of(container, sid).overlay is None
    assert [st for st, _, _ in sent(container)] == [
        "placed",  # the order's first news: the confirmation it never had
        "shipped",
        "delayed",
        "out_for_delivery",
    ]


def test_statuses_off_in_the_matrix_send_nothing(container, shop):
    push(container, shop.shop.id, event("e0", S.PLACED))
    push(container, shop.shop.id, event("e1", S.PROCESSING, 1))
    assert sent(container) == [("placed", "email", "sent")]
    assert order_of(container, shop.shop.id).status == "processing"


def test_opted_out_shopper_gets_no_email(container, shop):
    from core.services.contacts import record_opt_out

    with container.session() as s:
        record_opt_out(s, shop.shop.id, "email", "olena@example.com", "test")
        s.commit()
    push(container, shop.shop.id, event("e1", S.PLACED))
    assert sent(container) == []


def test_unsubscribing_stops_progress_emails_but_not_confirmations(container, shop):
    from core.domain.rules import OPTIONAL_EMAIL
    from core.services.contacts import record_opt_out

    with container.session() as s:
        record_opt_out(s, shop.shop.id, OPTIONAL_EMAIL, "olena@example.com", "unsubscribe link")
        s.commit()
    p1 = ShipmentInfo(id="p1")
    push(container, shop.shop.id, event("e1", S.PLACED))
    push(container, shop.shop.id, event("e2", S.SHIPPED, 1, shipment=p1))
    push(container, shop.shop.id, event("e3", S.DELIVERED, 2, shipment=p1))
    statuses = {st for st, _, _ in sent(container)}
    assert statuses == {"placed", "shipped"}  # delivered is optional progress news


def test_debounce_supersedes_a_status_overtaken_within_the_window(container):
    new = add_shop(container, policy={"debounce_seconds": 120})
    sid, p1 = new.shop.id, ShipmentInfo(id="p1")
    push(container, sid, event("e1", S.PLACED))
    push(container, sid, event("e2", S.SHIPPED, 1, shipment=p1))
    push(container, sid, event("e3", S.OUT_FOR_DELIVERY, 2, shipment=p1))
    states = {st: state for st, _, state in sent(container)}
    assert states == {"placed": "sent", "shipped": "superseded", "out_for_delivery": "pending"}
    # once due, the relay sends the survivor
    relay_tick(container, now=datetime.now(UTC) + timedelta(minutes=3))
    with container.session() as s:
        note = s.scalars(
            select(Notification).where(Notification.status == "out_for_delivery")
        ).one()
    deliver(container, note.id, now=datetime.now(UTC) + timedelta(minutes=3))
    assert {st: state for st, _, state in sent(container)}["out_for_delivery"] == "sent"


def test_quiet_hours_defer_sms_but_not_email(container):
    new = add_shop(
        container, policy={"quiet_hours": ["21:00", "08:00"], "matrix": {"placed": {"sms": True}}}
    )
    kyiv_night = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)  # 00:30 in Kyiv
    with container.session() as s:
        accepted = accept_event(s, new.shop.id, event("e1", S.PLACED))
    with container.session() as s:
        result = process_event(s, accepted.event_id, now=kyiv_night)
    with container.session() as s:
        notes = {
            n.channel: n
            for n in s.scalars(
                select(Notification).where(Notification.id.in_(result.notification_ids))
            )
        }
    assert notes["email"].not_before == kyiv_night
    assert notes["sms"].not_before == datetime(2026, 11, 21, 6, 0, tzinfo=UTC)  # 08:00 Kyiv


def test_unreachable_sender_becomes_a_visible_dead_letter_and_can_be_retried(container, shop):
    from core.services.delivery import retry_dead_letter

    with container.session() as s:
        sh = s.get(Shop, shop.shop.id)
        update_settings(
            sh,
            channels={
                "email": [{"provider": "smtp", "url": "smtp://127.0.0.1:1?from=shop@example.com"}]
            },
        )
        s.commit()
    push(container, shop.shop.id, event("e1", S.PLACED))
    with container.session() as s:
        note = s.scalars(select(Notification)).one()
    assert note.state == MessageState.RETRY and "smtp" in (note.last_error or "")
    later = datetime.now(UTC)
    for _ in range(container.settings.max_attempts):
        later += timedelta(hours=1)
        deliver(container, note.id, now=later)
    with container.session() as s:
        note = s.get(Notification, note.id)
    assert note.state == MessageState.DEAD and "gave up" in (note.last_error or "")
    with container.session() as s:
        assert retry_dead_letter(s, shop.shop.id, note.id)
        assert not retry_dead_letter(s, shop.shop.id + 999, note.id)  # another shop's: no


def test_accepted_but_unprocessed_events_are_recovered_by_the_relay(container, shop):
    with container.session() as s:
        accepted = accept_event(s, shop.shop.id, event("e1", S.PLACED))  # "Redis was down"
    assert sent(container) == []
    relay_tick(container, now=datetime.now(UTC) + timedelta(minutes=5))
    assert sent(container) == [("placed", "email", "sent")]
    with container.session() as s:
        assert s.get(OrderEvent, accepted.event_id).outcome == "applied"


def test_a_send_whose_worker_vanished_is_released_and_sent(container, shop):
    from core.services.delivery import claim

    with container.session() as s:
        accepted = accept_event(s, shop.shop.id, event("e1", S.PLACED))
    with container.session() as s:
        (nid,) = process_event(s, accepted.event_id).notification_ids
    with container.session() as s:
        assert claim(s, nid, datetime.now(UTC))  # a worker took it ... and was killed
    soon = datetime.now(UTC) + timedelta(seconds=10)
    assert relay_tick(container, now=soon).released == 0  # still within its lease
    late = datetime.now(UTC) + timedelta(seconds=container.settings.send_lease_seconds + 60)
    assert relay_tick(container, now=late).released == 1
    assert sent(container) == [("placed", "email", "sent")]


def test_shops_never_see_each_others_orders(container, shop):
    other = add_shop(container, name="Other")
    push(container, shop.shop.id, event("e1", S.PLACED, order="1001"))
    push(
        container,
        other.shop.id,
        event("e1", S.SHIPPED, order="1001", shipment=ShipmentInfo(id="p1")),
    )
    assert order_of(container, shop.shop.id).status == "placed"
    assert order_of(container, other.shop.id).status == "shipped"
    assert [st for st, _, _ in sent(container, other.shop.id)] == ["placed", "shipped"]
