"""What the shopper reads across an order's life: split parcels, late tracking, names."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from core.domain.events import CustomerInfo, ShipmentInfo
from core.domain.statuses import Status as S
from core.storage.models import Notification, OutboxMessage
from tests.conftest import add_shop
from tests.integration.test_pipeline import event, push


def outbox(c, shop_id: int) -> list[OutboxMessage]:
    with c.session() as s:
        return list(
            s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.shop_id == shop_id)
                .order_by(OutboxMessage.id)
            )
        )


def test_each_order_greets_the_name_given_on_it_when_two_people_share_an_email(container, shop):
    sid = shop.shop.id
    taras = CustomerInfo(name="Тарас Петренко", email="olena@example.com", locale="uk")
    push(container, sid, event("a1", S.PLACED, 0, order="1001"))
    push(container, sid, replace(event("b1", S.PLACED, 1, order="1002"), customer=taras))
    parcel = ShipmentInfo(id="p1", carrier="Нова Пошта", tracking_number="20450000000000")
    # a carrier's scan names no customer
    scan = replace(event("a2", S.SHIPPED, 2, order="1001", shipment=parcel), customer=None)
    push(container, sid, scan)
    first, second, shipped = (m.text for m in outbox(container, sid))
    assert "Вітаємо, Олено!" in first and "Вітаємо, Тарасе!" in second
    # the first order's later news still greets the one who placed it
    assert "Олено" in shipped and "Тарас" not in shipped


ITEMS = [{"name": n, "quantity": 1, "price": "10.00"} for n in ("Чайник", "Чашка")]


def split_order(c, sid: int) -> None:
    """Order 1001: two items, sent in two parcels of one item each."""
    push(c, sid, event("e1", S.PLACED, 0, items=ITEMS))
    p1 = ShipmentInfo(
        id="p1", carrier="Нова Пошта", tracking_number="20450000000001", items_count=1
    )
    push(c, sid, event("e2", S.SHIPPED, 1, shipment=p1, items=ITEMS))
    p2 = ShipmentInfo(id="p2", carrier="Укрпошта", tracking_number="0500000000002", items_count=1)
    push(c, sid, event("e3", S.SHIPPED, 2, shipment=p2, items=ITEMS))


def test_a_split_order_says_which_part_is_on_its_way_and_which_is_the_rest(container, shop):
    sid = shop.shop.id
    split_order(container, sid)
    _placed, first, rest = outbox(container, sid)
    assert first.subject == "Частина замовлення #1001 вже в дорозі"
    assert "Першу посилку із замовленням #1001 передано перевізнику «Нова Пошта»" in first.text
    assert "Відправлено 1 з 2 товарів" in first.text and "20450000000001" in first.text
    assert rest.subject == "Решта замовлення #1001 вже в дорозі"
    assert "Решту вашого замовлення #1001 передано перевізнику «Укрпошта»" in rest.text
    assert "0500000000002" in rest.text and "Відправлено" not in rest.text


def test_the_first_parcel_delivered_is_a_partial_delivery_and_the_review_waits_for_the_last(
    container, shop
):
    sid = shop.shop.id
    split_order(container, sid)
    push(container, sid, event("e4", S.DELIVERED, 5, shipment=ShipmentInfo(id="p1"), items=ITEMS))
    partial = outbox(container, sid)[-1]
    assert partial.subject == "Частину замовлення #1001 доставлено"
    assert "Доставлено 1 з 2 посилок" in partial.text
    assert "Решта вже в дорозі" in partial.text and "Нова Пошта, 20450000000001" in partial.text
    assert "Оцін" not in partial.text and "#feedback" not in (partial.html or "")
    push(container, sid, event("e5", S.DELIVERED, 9, shipment=ShipmentInfo(id="p2"), items=ITEMS))
    done = outbox(container, sid)[-1]
    assert done.subject == "Замовлення #1001 доставлено"
    assert "Оцініть замовлення" in done.text and "#feedback" in done.text
    # a repeat of the last delivery (another source) sends nothing more
    push(container, sid, event("e6", S.DELIVERED, 10, shipment=ShipmentInfo(id="p1"), items=ITEMS))
    delivered = [(st, key) for st, key in keys(container, sid) if st == "delivered"]
    assert delivered == [("delivered", "p1"), ("delivered", "")]


def test_parcels_arriving_together_within_the_debounce_send_only_the_delivered_message(
    container,
):
    new = add_shop(container, policy={"debounce_seconds": 120})
    sid = new.shop.id
    split_order(container, sid)
    push(container, sid, event("e4", S.DELIVERED, 5, shipment=ShipmentInfo(id="p1"), items=ITEMS))
    push(
        container, sid, event("e5", S.DELIVERED, 5.01, shipment=ShipmentInfo(id="p2"), items=ITEMS)
    )
    with container.session() as s:
        states = s.execute(
            select(Notification.shipment_key, Notification.state).where(
                Notification.shop_id == sid, Notification.status == "delivered"
            )
        ).all()
    assert sorted(states) == [("", "pending"), ("p1", "superseded")]


def keys(c, sid: int) -> list[tuple[str, str]]:
    with c.session() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(Notification.status, Notification.shipment_key)
                .where(Notification.shop_id == sid)
                .order_by(Notification.id)
            )
        ]


NP = ShipmentInfo(id="p1", carrier="Нова Пошта", tracking_number="20450000000001")


def test_a_parcel_first_seen_in_transit_still_brings_its_tracking_number(container, shop):
    # a Shopify fulfillment created as in_transit, or a carrier's first scan: in_transit's
    # message is off by default, so only this rule tells the shopper carrier and number
    sid = shop.shop.id
    push(container, sid, event("e1", S.PLACED, 0))
    push(container, sid, event("e2", S.IN_TRANSIT, 1, shipment=NP))
    assert keys(container, sid) == [("placed", ""), ("shipped", "p1")]
    mail = outbox(container, sid)[-1]
    assert "Нова Пошта" in mail.text and "20450000000001" in mail.text
    # later news of the same parcel repeats nothing
    push(container, sid, event("e3", S.OUT_FOR_DELIVERY, 2, shipment=NP))
    assert keys(container, sid)[-1] == ("out_for_delivery", "p1") and len(keys(container, sid)) == 3


def test_a_message_of_the_same_moment_that_tells_the_number_needs_no_shipping_message(
    container,
):
    new = add_shop(container, policy={"matrix": {"in_transit": {"email": True}}})
    sid = new.shop.id
    push(container, sid, event("e1", S.PLACED, 0))
    push(container, sid, event("e2", S.IN_TRANSIT, 1, shipment=NP))
    assert keys(container, sid) == [("placed", ""), ("in_transit", "p1")]
    assert "20450000000001" in outbox(container, sid)[-1].text


def test_a_tracking_number_saved_after_the_shipped_message_reaches_the_shopper(container, shop):
    sid = shop.shop.id
    push(container, sid, event("e1", S.PLACED, 0))
    push(container, sid, event("e2", S.SHIPPED, 1, shipment=ShipmentInfo(id="p1")))
    assert "ТТН" not in outbox(container, sid)[-1].text
    # the merchant types the number in later: a facts-only update of the parcel
    push(container, sid, event("e3", None, 3, shipment=NP))
    assert keys(container, sid)[-1] == ("shipped", "p1~tracking")
    mail = outbox(container, sid)[-1]
    assert mail.subject == "Номер для відстеження замовлення #1001"
    assert "отримала номер для відстеження" in mail.text
    assert "Нова Пошта" in mail.text and "20450000000001" in mail.text
    # the same number again, or a new status of the parcel, sends no second one
    push(container, sid, event("e4", None, 4, shipment=NP))
    push(container, sid, event("e5", S.IN_TRANSIT, 5, shipment=NP))
    assert [k for k in keys(container, sid) if k[0] == "shipped"] == [
        ("shipped", "p1"),
        ("shipped", "p1~tracking"),
    ]


def test_a_number_known_before_shipping_waits_for_the_shipped_message(container, shop):
    sid = shop.shop.id
    push(container, sid, event("e1", S.PACKED, 0, shipment=NP))  # label printed while packing
    assert [st for st, _ in keys(container, sid)] == ["placed"]
    push(container, sid, event("e2", S.SHIPPED, 1, shipment=NP))
    assert keys(container, sid) == [("placed", ""), ("shipped", "p1")]


def test_a_late_confirmation_comes_with_the_first_news_whatever_order_events_arrive_in(
    container, shop
):
    # an outbox retried out of order: "processing" first, then the older "placed", now stale
    sid = shop.shop.id
    push(container, sid, event("e2", S.PROCESSING, 1))
    push(container, sid, event("e1", S.PLACED, 0))
    assert keys(container, sid) == [("placed", "")]
    (mail,) = outbox(container, sid)
    assert "#1001" in (mail.subject or "") and "Чайник" in mail.text


def test_an_order_imported_silently_is_never_confirmed_late(container, shop):
    sid = shop.shop.id
    imported = replace(event("e1", S.PROCESSING, 0), extra={"silent": True})
    push(container, sid, imported)
    push(container, sid, event("e2", S.SHIPPED, 1, shipment=NP))
    assert keys(container, sid) == [("shipped", "p1")]


def test_a_cancelled_order_heard_of_first_is_not_confirmed(container, shop):
    sid = shop.shop.id
    push(container, sid, event("e1", S.CANCELLED, 0, reason="Немає в наявності"))
    push(container, sid, event("e2", S.REFUNDED, 1))
    assert keys(container, sid) == [("cancelled", ""), ("refunded", "")]


def test_an_order_imported_by_a_backfill_gets_its_news_but_no_late_confirmation(container, shop):
    sid = shop.shop.id
    imported = replace(event("e1", S.SHIPPED, 0, shipment=NP), extra={"backfill": True})
    push(container, sid, imported)
    push(container, sid, event("e2", S.DELIVERED, 1, shipment=NP))
    assert keys(container, sid) == [("shipped", "p1"), ("delivered", "")]


def test_a_number_for_an_order_announced_as_shipped_without_parcels_is_told_once(container, shop):
    sid = shop.shop.id
    push(container, sid, event("e1", S.PLACED, 0))
    push(container, sid, event("e2", S.SHIPPED, 1))  # order-level: no parcel, no number
    push(container, sid, event("e3", None, 2, shipment=NP))
    assert keys(container, sid) == [("placed", ""), ("shipped", ""), ("shipped", "p1~tracking")]
    mail = outbox(container, sid)[-1]
    assert mail.subject == "Номер для відстеження замовлення #1001"
    assert "20450000000001" in mail.text
