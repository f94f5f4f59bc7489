"""Care (/admin/care): the attention list, the rules' switches and timings, the discount
codes; owners change rules, agents see the list, no shop sees another's; en, uk and ru."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from core.domain.events import CustomerInfo, OrderEventIn
from core.domain.statuses import Status
from core.services.care import care_tick
from core.services.ingest import ingest
from core.shop_settings import settings_of
from core.storage.models import CareAction, OutboxMessage, Shop
from tests.conftest import add_shop

from .helpers import Admin, make_staff

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def late_order(c, shop_id, order="1001", estimated=date(2026, 11, 28)):
    ev = OrderEventIn(
        event_key=f"placed-{order}",
        source="test",
        order_id=order,
        number=f"#{order}",
        occurred_at=T0 - timedelta(days=5),
        status=Status.SHIPPED,
        customer=CustomerInfo(name="Olena", email=f"{order}@example.com", locale="en"),
        estimated_delivery=estimated,
    )
    with c.session() as s:
        ingest(s, c.queue, shop_id, [ev], now=T0 - timedelta(days=5))


def test_an_owner_switches_rules_and_sets_timings_and_codes(app, container, owner):
    admin = Admin(app, "owner@a.example")
    page = admin.get("/admin/care").get_data(as_text=True)
    assert "Nothing needs your attention." in page and "Running late" in page
    form = {
        "late_on": "1",
        "late_hours": "6",
        "stalled_hours": "48",
        "stalled_tell_hours": "24",
        "pickup_on": "1",
        "pickup_hours": "20",
        "pickup_last_hours": "12",
        "problem_on": "1",
        "problem_hours": "2",
        "digest": "1",
        "discount_on": "1",
        "discount_days": "2",
        "discount_codes": "SORRY-1\nSORRY-2\nSORRY-1\n",
    }
    assert admin.post("/admin/care/rules", form).status_code == 302
    with container.session() as s:
        care = settings_of(s.get(Shop, owner.shop.id)).care
    assert (care.late.on, care.late.hours, care.stalled.on, care.pickup.hours) == (
        True,
        6,
        False,
        20,
    )
    assert care.discount.codes == ["SORRY-1", "SORRY-2"] and care.discount.after_days == 2
    bad = admin.post("/admin/care/rules", {**form, "late_hours": "soon"})
    assert bad.status_code == 302
    page = admin.get("/admin/care").get_data(as_text=True)
    assert "Hours after the end of the estimated day: a number, 0 or more" in page
    assert Admin(app, "agent@a.example").post("/admin/care/rules", form).status_code == 403


def test_a_late_order_gets_a_code_from_the_list_once_and_the_merchant_sees_it(
    app, container, owner, time_machine
):
    with container.session() as s, s.begin():
        shop = s.get(Shop, owner.shop.id)
        shop.settings = {
            **shop.settings,
            "care": {"discount": {"on": True, "after_days": 2, "codes": ["SORRY-1", "SORRY-2"]}},
        }
    time_machine.move_to(T0, tick=False)
    late_order(container, owner.shop.id, "1001")
    late_order(container, owner.shop.id, "1002", estimated=date(2026, 11, 29))
    assert care_tick(container.sessions, container.queue, now=T0).steps == 2
    with container.session() as s:
        codes = sorted(
            s.scalars(select(CareAction.discount_code).where(CareAction.shop_id == owner.shop.id))
        )
        texts = [m.text for m in s.scalars(select(OutboxMessage))]
    assert codes == ["SORRY-1", "SORRY-2"]
    assert sum("here is a discount code for your next order: SORRY-" in t for t in texts) == 2
    page = Admin(app, "agent@a.example").get("/admin/care").get_data(as_text=True)
    assert (
        "#1001" in page and "SORRY-1" in page and "Late: past the estimated delivery date" in page
    )
    assert "Codes left: 0" not in page  # the rules are the owner's: agents see the list only
    owner_page = Admin(app, "owner@a.example").get("/admin/care").get_data(as_text=True)
    assert "Codes left: 0" in owner_page and "Codes given" in owner_page


def test_marking_handled_takes_it_off_the_list_and_no_shop_touches_anothers(
    app, container, owner, time_machine
):
    other = add_shop(container, name="Shop B")
    make_staff(container, other.shop.id, "owner@b.example", "owner")
    time_machine.move_to(T0, tick=False)
    late_order(container, owner.shop.id)
    care_tick(container.sessions, container.queue, now=T0)
    with container.session() as s:
        (action_id,) = s.scalars(select(CareAction.id)).all()
    stranger = Admin(app, "owner@b.example")
    assert "#1001" not in stranger.get("/admin/care").get_data(as_text=True)
    assert stranger.post(f"/admin/care/{action_id}/handled").status_code == 404
    admin = Admin(app, "agent@a.example")
    assert admin.post(f"/admin/care/{action_id}/handled").status_code == 302
    assert "Nothing needs your attention." in admin.get("/admin/care").get_data(as_text=True)


def test_the_page_speaks_ukrainian_and_russian(app, owner):
    for lang, words in (("uk", "Потребує уваги"), ("ru", "Требует внимания")):
        headers = {"Accept-Language": lang}
        page = Admin(app, "owner@a.example").get("/admin/care", headers=headers)
        assert words in page.get_data(as_text=True)


def test_every_string_of_the_page_is_translated_in_uk_and_ru():
    from webapp.admin.care import TEXT

    for key, marked in TEXT.items():
        english = marked("en")
        for locale in ("uk", "ru"):
            assert marked(locale).strip() and marked(locale) != english, (key, locale)


def test_the_dashboard_shows_edd_accuracy_per_carrier_and_exports_it(
    app, container, owner, time_machine
):
    import csv
    import io

    from core.domain.events import ShipmentInfo

    def event(order, key, status, at, **fields):
        ev = OrderEventIn(
            event_key=f"{key}-{order}",
            source="test",
            order_id=order,
            number=f"#{order}",
            occurred_at=at,
            status=status,
            customer=CustomerInfo(name="Olena", phone="+380671234567", locale="en"),
            **fields,
        )
        time_machine.move_to(at, tick=False)
        with container.session() as s:
            ingest(s, container.queue, owner.shop.id, [ev], now=at)

    parcel = ShipmentInfo(id="p1", carrier="Nova Poshta", tracking_number="20450000000777")
    for order, promised, delivered in (("1", 3, 2), ("2", 3, 5)):  # on time, and two days late
        event(order, "placed", Status.PLACED, T0, estimated_delivery=date(2026, 12, promised))
        event(order, "shipped", Status.SHIPPED, T0 + timedelta(hours=2), shipment=parcel)
        at = datetime(2026, 12, delivered, 12, 0, tzinfo=UTC)
        event(order, "delivered", Status.DELIVERED, at, shipment=parcel)
    late = T0 + timedelta(days=3)
    time_machine.move_to(late, tick=False)
    admin = Admin(app, "owner@a.example")
    period = {"from": "2026-12-01", "to": "2026-12-31"}
    page = admin.get("/admin/dashboard", query_string=period).get_data(as_text=True)
    assert "Delivered within the promised range" in page
    assert 'data-lane="Nova Poshta-UA"' in page and "50%" in page
    r = admin.get("/admin/dashboard.csv", query_string={**period, "section": "delivery"})
    rows = {
        (x["metric"], x["carrier"], x["region"]): x["value"]
        for x in csv.DictReader(io.StringIO(r.get_data(as_text=True)))
    }
    assert rows[("delivered", "Nova Poshta", "UA")] == "2"
    assert rows[("on_time", "*", "*")] == "1" and rows[("on_time_share", "*", "*")] == "0.5"
    assert rows[("median_transit_days", "Nova Poshta", "UA")] == "2.5"  # 1 and 4 days
