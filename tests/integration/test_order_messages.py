"""What the shopper reads across an order's life: split parcels, late tracking, names."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from core.domain.events import CustomerInfo, ShipmentInfo
from core.domain.statuses import Status as S
from core.storage.models import OutboxMessage
from tests.integration.test_pipeline import event, push, sent


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
