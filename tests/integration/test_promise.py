"""The delivery promise on a real database: computed, replaced, recorded, learned, shown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status as S
from core.services import promises
from core.services.pipeline import accept_event
from core.storage.models import (
    CarrierScan,
    FollowedParcel,
    Order,
    OutboxMessage,
    PromiseChange,
    Shipment,
    Shop,
)
from tests.conftest import add_shop

# Friday 20 November 2026, 11:00 in Kyiv: processed Friday, handed over Monday 23rd
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OLENA = CustomerInfo(
    name="Олена Петренко",
    email="olena@example.com",
    phone="+380501234567",
    locale="uk",
    timezone="Europe/Kyiv",
)
UA_SHOP = {
    "country": "UA",
    "timezone": "Europe/Kyiv",
    "carriers": [{"carrier": "novaposhta"}],
}


def event(key: str, status: S | None, hours: float = 0, **kw) -> OrderEventIn:
    return OrderEventIn(
        event_key=key,
        source=kw.pop("source", "test"),
        order_id="1001",
        number="#1001",
        occurred_at=T0 + timedelta(hours=hours),
        status=status,
        customer=OLENA,
        total="1250.00",
        currency="UAH",
        items=[{"name": "Чайник", "quantity": 1, "price": "1250.00"}],
        **kw,
    )


def push(c, shop_id: int, ev: OrderEventIn) -> None:
    with c.session() as s:
        accepted = accept_event(s, shop_id, ev)
    c.queue.enqueue("process_event", accepted.event_id)


def changes(c, shop_id: int) -> list[tuple[date, date, str, str | None]]:
    with c.session() as s:
        rows = s.scalars(
            select(PromiseChange).where(PromiseChange.shop_id == shop_id).order_by(PromiseChange.id)
        )
        return [(r.earliest, r.latest, r.cause, r.shipment_external_id) for r in rows]


def flat(text: str | None) -> str:
    """Text with every run of spaces (Babel's no-break ones too) as one plain space."""
    return " ".join((text or "").split())


def order_of(c, shop_id: int) -> Order:
    with c.session() as s:
        return s.scalars(select(Order).where(Order.shop_id == shop_id)).one()


def test_a_placed_order_gets_a_range_in_its_confirmation_and_the_change_is_recorded(container):
    shop = add_shop(container, **UA_SHOP)
    push(container, shop.shop.id, event("e1", S.PLACED))
    order = order_of(container, shop.shop.id)
    assert (order.estimated_earliest, order.estimated_delivery) == (
        date(2026, 11, 24),
        date(2026, 11, 25),
    )
    assert changes(container, shop.shop.id) == [
        (date(2026, 11, 24), date(2026, 11, 25), "computed", None)
    ]
    with container.session() as s:
        mail = s.scalars(select(OutboxMessage)).one()
    assert "Орієнтовна дата доставки: вт, 24 — ср, 25 лист." in flat(mail.text)


def test_a_date_from_the_store_replaces_the_computed_one(container):
    shop = add_shop(container, **UA_SHOP)
    push(container, shop.shop.id, event("e1", S.PLACED))
    push(container, shop.shop.id, event("e2", None, 1, estimated_delivery=date(2026, 11, 27)))
    order = order_of(container, shop.shop.id)
    assert (order.estimated_earliest, order.estimated_delivery) == (None, date(2026, 11, 27))
    assert [c[2] for c in changes(container, shop.shop.id)] == ["computed", "platform"]


def test_the_carriers_own_date_is_recorded_and_shown_in_the_parcels_news(container):
    shop = add_shop(container, **UA_SHOP)
    push(container, shop.shop.id, event("e1", S.PLACED))
    parcel = ShipmentInfo(id="p1", carrier="Нова Пошта", tracking_number="20450000000000")
    push(container, shop.shop.id, event("e2", S.SHIPPED, 75, shipment=parcel))
    scheduled = ShipmentInfo(id="p1", estimated_delivery=date(2026, 11, 26))
    push(
        container,
        shop.shop.id,
        event("e3", S.IN_TRANSIT, 80, shipment=scheduled, source=promises.CARRIER_SOURCE),
    )
    assert changes(container, shop.shop.id)[-1] == (
        date(2026, 11, 26),
        date(2026, 11, 26),
        "carrier",
        "p1",
    )
    with container.session() as s:
        texts = [m.text for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert "вт, 24 — ср, 25 лист." in flat(texts[0])
    assert not any("26 листопада" in t for t in texts[:-1])


def test_the_same_date_again_is_not_recorded_twice(container):
    shop = add_shop(container, **UA_SHOP)
    push(container, shop.shop.id, event("e1", S.PLACED))
    push(container, shop.shop.id, event("e2", S.PROCESSING, 2))
    assert len(changes(container, shop.shop.id)) == 1


def test_a_shop_that_turned_the_promise_off_promises_nothing(container):
    shop = add_shop(container, **UA_SHOP, promise={"enabled": False})
    push(container, shop.shop.id, event("e1", S.PLACED))
    assert order_of(container, shop.shop.id).estimated_delivery is None
    assert changes(container, shop.shop.id) == []


def _delivered_parcels(c, shop_id: int, transit_days: list[int], batch: str = "a") -> None:
    """Parcels delivered by Nova Poshta to Ukrainian phones, `transit_days` after handover."""
    with c.session() as s:
        for n, days in enumerate(transit_days):
            order = Order(shop_id=shop_id, external_id=f"old-{batch}{n}", number=f"{n}", items=[])
            s.add(order)
            s.flush()
            ship = Shipment(shop_id=shop_id, order_id=order.id, external_id="p")
            s.add(ship)
            s.flush()
            parcel = FollowedParcel(
                shop_id=shop_id,
                shipment_id=ship.id,
                order_external_id=order.external_id,
                shipment_external_id="p",
                number=f"2045{n:010d}"[:14],
                carrier="novaposhta",
                status="delivered",
            )
            s.add(parcel)
            s.flush()
            start = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # a Monday
            for i, (at, status) in enumerate(
                [(start, "in_transit"), (start + timedelta(days=days), "delivered")]
            ):
                s.add(
                    CarrierScan(
                        shop_id=shop_id,
                        parcel_id=parcel.id,
                        scan_id=str(i),
                        occurred_at=at,
                        code="x",
                        description="",
                        status=status,
                    )
                )
        s.commit()


def test_twenty_deliveries_teach_the_shop_its_own_transit(container):
    shop = add_shop(container, **UA_SHOP)
    other = add_shop(container, **UA_SHOP, name="Other")
    _delivered_parcels(container, shop.shop.id, [3] * 4 + [4] * 12 + [5] * 3)
    _delivered_parcels(container, other.shop.id, [1] * 30)
    with container.session() as s:
        row = s.get(Shop, shop.shop.id)
        assert row is not None
        (found,) = promises.learned(s, row)
        # 19 parcels: not yet; their phones are unknown, so the region is the shop's country
        assert (found.carrier, found.region, found.samples, found.span) == (
            "novaposhta",
            "UA",
            19,
            None,
        )
        assert promises.quote(s, row, T0).cause == "computed"
    _delivered_parcels(container, shop.shop.id, [4], batch="b")
    with container.session() as s:
        row = s.get(Shop, shop.shop.id)
        assert row is not None
        assert promises.learned_figures(s, row) == {"novaposhta": {"UA": (3, 4)}}
        quoted = promises.quote(s, row, T0)
        assert (quoted.cause, quoted.transit) == ("learned", (3, 4))
        assert (quoted.earliest, quoted.latest) == (date(2026, 11, 26), date(2026, 11, 27))


def test_a_passed_range_is_re_estimated_and_both_stay_in_the_history(container):
    from core.promise import Promise, re_estimate_after_delay

    shop = add_shop(container, **UA_SHOP)
    push(container, shop.shop.id, event("e1", S.PLACED))
    late = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # two days past Wed 25th, undelivered
    with container.session() as s, s.begin():
        row = s.get(Shop, shop.shop.id)
        order = s.scalars(select(Order).where(Order.shop_id == shop.shop.id)).one()
        assert row is not None
        last = promises.current(s, order)
        assert last is not None
        before = Promise(last.earliest, last.latest, last.cause)
        moved = re_estimate_after_delay(
            before, promises.facts_of(row, order, None), promises.promise_settings(row), late
        )
        assert promises.record_change(s, order, moved, late) is not None
        assert promises.record_change(s, order, moved, late) is None  # the same date: once
    order = order_of(container, shop.shop.id)
    assert (order.estimated_earliest, order.estimated_delivery) == (
        date(2026, 11, 28),
        date(2026, 11, 29),
    )
    with container.session() as s:
        causes = [c.cause for c in promises.history(s, shop.shop.id, order.id)]
        assert causes == ["computed", "delay"]
        assert promises.history(s, shop.shop.id + 1, order.id) == []  # another shop: nothing
