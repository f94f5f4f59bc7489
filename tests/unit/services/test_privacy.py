"""privacy directly: export one shopper's data, erase it everywhere, purge a whole shop.

Requests are per shop: the same email in another shop, or another shopper of this shop,
is never exported or touched. Erasure keeps the rows for the merchant's counts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.domain.events import CustomerInfo, OrderEventIn
from core.domain.states import MessageState
from core.domain.statuses import Status as S
from core.services.contacts import record_opt_out
from core.services.pipeline import accept_event, process_event
from core.services.privacy import REDACTED, Subject, export_customer, purge_shop, redact_customer
from core.storage.models import Base, Customer, Notification, OptOut, Order, OrderEvent, Shop
from tests.conftest import add_shop

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
OLA = CustomerInfo(name="Ola Nowak", email="ola@example.com", phone="+380501234567")
IVAN = CustomerInfo(name="Ivan Franko", email="ivan@example.com")


def order(container, shop_id: int, number: str, who: CustomerInfo, hours: float = 0) -> None:
    at = T0 + timedelta(hours=hours)
    event = OrderEventIn(
        event_key=f"{number}-placed",
        source="test",
        order_id=number,
        number=f"#{number}",
        occurred_at=at,
        status=S.PLACED,
        customer=who,
        reason=f"call {who.name} before delivery",
        items=[{"name": "Teapot", "quantity": 1, "price": "20.00"}],
        total="20.00",
        currency="EUR",
    )
    with container.session() as s:
        accepted = accept_event(s, shop_id, event, now=at)
    with container.session() as s:
        process_event(s, accepted.event_id, now=at)


def two_shops(container) -> tuple[int, int]:
    """Ola with two orders and Ivan with one in the first shop; Ola again in a second shop."""
    first, second = add_shop(container).shop.id, add_shop(container, name="Other").shop.id
    order(container, first, "1", OLA)
    order(container, first, "2", OLA, hours=1)
    order(container, first, "3", IVAN)
    order(container, second, "1", OLA)
    with container.session() as s, s.begin():
        for note in s.scalars(select(Notification)):
            name = OLA.name if note.order.customer.email == OLA.email else IVAN.name
            note.body_text = f"Hi {name}, your order is confirmed."
        record_opt_out(s, first, "sms", OLA.phone)
        record_opt_out(s, second, "sms", OLA.phone)
    return first, second


def text_of_shop(container, shop_id: int) -> str:
    """Every value of every row the shop owns, as one string to search."""
    out = []
    with container.session() as s:
        for table in Base.metadata.sorted_tables:
            if "shop_id" in table.c:
                for row in s.execute(select(table).where(table.c.shop_id == shop_id)):
                    out.append(repr(tuple(row)))
    return "\n".join(out)


def test_an_export_holds_the_shoppers_orders_messages_and_opt_outs_of_this_shop_only(
    container,
):
    first, _ = two_shops(container)
    with container.session() as s, s.begin():
        export = export_customer(s, first, Subject(email="OLA@example.com "), "req-1")
        payload, subject = export.payload, export.subject
    assert subject == "OLA@example.com "
    assert [c["email"] for c in payload["customers"]] == [OLA.email]
    assert sorted(o["number"] for o in payload["orders"]) == ["#1", "#2"]
    assert {m["body_text"] for m in payload["messages"]} == {
        f"Hi {OLA.name}, your order is confirmed."
    }
    assert [o["address"] for o in payload["opt_outs"]] == [OLA.phone]
    assert len(payload["events"]) == 2 and "Ivan" not in repr(payload)


def test_erasure_leaves_nothing_naming_the_shopper_and_keeps_the_rows(container):
    first, second = two_shops(container)
    with container.session() as s, s.begin():
        export_customer(s, first, Subject(phone=OLA.phone))  # an earlier export names her
        done = redact_customer(s, first, Subject(email=OLA.email))
    assert (done.customers, done.orders, done.events) == (1, 2, 2)
    kept = text_of_shop(container, first)
    for needle in ("Ola", "Nowak", OLA.email, OLA.phone, "380501234567"):
        assert needle not in kept, needle
    assert IVAN.name in kept and IVAN.email in kept  # the other shopper is untouched
    assert OLA.email in text_of_shop(container, second)  # so is the other shop
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(Order).where(Order.shop_id == first)) == 3
        ola_orders = s.scalars(select(Order).where(Order.shop_id == first, Order.number != "#3"))
        assert {o.reason for o in ola_orders} == {REDACTED}
        pending = s.scalars(select(Notification.state).where(Notification.shop_id == first)).all()
        assert pending.count(MessageState.SKIPPED) == 2  # hers were not sent and never will be
        hashed = s.scalar(select(OptOut.address).where(OptOut.shop_id == first))
        assert hashed.startswith("redacted:")


def test_purging_a_shop_removes_every_row_it_owns_and_nothing_else(container):
    first, second = two_shops(container)
    with container.session() as s, s.begin():
        purge_shop(s, first)
    assert text_of_shop(container, first) == ""
    with container.session() as s:
        assert s.get(Shop, first) is None and s.get(Shop, second) is not None
        assert s.scalar(select(func.count()).select_from(Customer)) == 1
        assert s.scalar(select(func.count()).select_from(OrderEvent)) == 1
        assert s.scalar(select(func.count()).select_from(Notification)) >= 1
