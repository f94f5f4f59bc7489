"""The dashboard over a simulated month: every number matches the database."""

from __future__ import annotations

import csv
import io
import re
import statistics
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.domain.states import MessageState
from core.storage.models import Feedback, Notification, Order, OrderEvent, TrackingVisit

from .helpers import Admin
from .month import seed_month

SINCE, UNTIL = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 31, tzinfo=UTC)
PERIOD = {"from": "2026-10-01", "to": "2026-10-30"}


def kpi(page: str, name: str) -> str:
    return re.search(rf'data-kpi="{name}">([^<]*)<', page)[1].strip()


def expected(c, shop_id):
    """The numbers, counted straight from the tables (not through the dashboard's code)."""
    with c.session() as s:
        notes = [
            n
            for n in s.scalars(select(Notification).where(Notification.shop_id == shop_id))
            if SINCE <= n.created_at < UNTIL
            and n.state not in (MessageState.SUPERSEDED, MessageState.SKIPPED)
        ]
        orders = [
            o
            for o in s.scalars(select(Order).where(Order.shop_id == shop_id))
            if SINCE <= (o.placed_at or o.created_at) < UNTIL
        ]
        visits = [v for v in s.scalars(select(TrackingVisit)) if SINCE <= v.created_at < UNTIL]
        ratings = [f.rating for f in s.scalars(select(Feedback)) if SINCE <= f.created_at < UNTIL]
        firsts = {}
        for e in s.scalars(select(OrderEvent).order_by(OrderEvent.occurred_at)):
            firsts.setdefault((e.order_id, e.status), e.occurred_at)
    shipped = sum((o.id, "shipped") in firsts for o in orders)
    to_ship = [
        (firsts[(o.id, "shipped")] - o.placed_at).total_seconds() / 3600
        for o in orders
        if (o.id, "shipped") in firsts
    ]
    return {
        "sent": sum(n.state == MessageState.SENT for n in notes),
        "failed": sum(n.state == MessageState.DEAD for n in notes),
        "delivered": sum(n.delivered_at is not None for n in notes),
        "opened": sum(n.opened_at is not None for n in notes),
        "clicked": sum(n.clicked_at is not None for n in notes),
        "visits": len(visits),
        "unique": len({v.visitor for v in visits}),
        "placed": len(orders),
        # cancelled at any time, counted from the events (a later refund does not undo it)
        "cancelled": sum((o.id, "cancelled") in firsts for o in orders),
        "to_ship": statistics.median(to_ship),
        "shipped": shipped,
        "ratings": ratings,
        "notes": notes,
    }


def test_the_dashboard_matches_the_database(app, container, owner):
    seed_month(container, owner.shop.id)
    want = expected(container, owner.shop.id)
    assert want["sent"] > 40 and want["failed"] > 0 and want["cancelled"] > 0
    page = Admin(app, "owner@a.example").get("/admin/dashboard", query_string=PERIOD).text
    for name in ("sent", "delivered", "failed", "opened", "clicked", "visits", "unique", "placed"):
        assert int(kpi(page, name)) == want[name], name
    assert kpi(page, "avoided") == f"≈ {want['unique'] * 0.25:.1f}"
    assert f"({want['cancelled']} of {want['placed']})" in kpi(page, "cancel")
    assert kpi(page, "to-ship") == f"{want['to_ship']:.1f} h"
    avg = sum(want["ratings"]) / len(want["ratings"])
    assert kpi(page, "feedback").startswith(f"{avg:.1f} / 5 from {len(want['ratings'])}")
    assert "<svg" in page and "Messages sent per day" in page
    assert "× share who would otherwise have asked support (25%) ≈ <strong>" in page


def test_the_csv_export_adds_up_to_the_same_numbers(app, container, owner):
    seed_month(container, owner.shop.id)
    want = expected(container, owner.shop.id)
    r = Admin(app, "owner@a.example").get("/admin/dashboard.csv", query_string=PERIOD)
    assert r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.text)))
    daily = [row for row in rows if row["section"] == "messages" and row["date"]]

    def daily_sum(metric: str) -> int:
        return sum(int(row["value"]) for row in daily if row["metric"] == metric)

    assert daily_sum("sent") == want["sent"]
    assert daily_sum("messages") == len(want["notes"])
    assert {row["date"][:7] for row in daily} == {"2026-10"}
    figures = {(row["section"], row["scope"], row["metric"]): row["value"] for row in rows}
    assert figures[("messages", "all", "sent")] == str(want["sent"])
    assert figures[("orders", "all", "placed")] == str(want["placed"])
    assert figures[("orders", "all", "cancelled")] == str(want["cancelled"])
    assert figures[("tracking", "all", "unique_visitors")] == str(want["unique"])
    assert figures[("feedback", "all", "ratings")] == str(len(want["ratings"]))
    assert figures[("carriers", "DHL", "parcels")] == str(want["shipped"])


def test_the_day_before_the_period_is_left_out(app, container, owner):
    seed_month(container, owner.shop.id)
    with container.session() as s:
        earliest = s.scalar(select(func.min(Notification.created_at)))
    assert earliest < SINCE  # the seed has one order the day before
    page = (
        Admin(app, "owner@a.example")
        .get("/admin/dashboard", query_string={"from": "2026-09-30", "to": "2026-09-30"})
        .text
    )
    assert int(kpi(page, "placed")) == 1


def test_days_are_the_shops_own(app, container, owner):
    from datetime import timedelta

    from core.domain.statuses import Status
    from core.services.shops import update_settings
    from core.storage.models import Shop

    from .month import _event

    with container.session() as s, s.begin():
        update_settings(s.get(Shop, owner.shop.id), timezone="Europe/Kyiv")
    late = datetime(2026, 10, 1, 22, 30, tzinfo=UTC)  # 01:30 on 2 October in Kyiv
    _event(container, owner.shop.id, "k1", "501", Status.PLACED, late, late.date() + timedelta(3))
    admin = Admin(app, "owner@a.example")
    for day, count in (("2026-10-01", "0"), ("2026-10-02", "1")):
        page = admin.get("/admin/dashboard", query_string={"from": day, "to": day}).text
        assert kpi(page, "sent") == count, day
    assert "Days in Europe/Kyiv." in page


def test_a_cancelled_then_refunded_order_counts_as_cancelled_and_a_resend_apart(
    app, container, owner
):
    """Issue 19: "Cancellation rate 0.0% (0 of 10) although an order was cancelled (then
    refunded)", and a resend counted as a new message sent."""
    from core.domain.statuses import Status

    from .month import _event

    at = datetime(2026, 10, 5, 9, tzinfo=UTC)
    shop_id = owner.shop.id
    for n, order in enumerate(("601", "602", "603", "604")):
        _event(container, shop_id, f"{order}-p", order, Status.PLACED, at + timedelta(hours=n))
    _event(container, shop_id, "601-c", "601", Status.CANCELLED, at + timedelta(hours=5))
    _event(container, shop_id, "601-r", "601", Status.REFUNDED, at + timedelta(hours=9))
    _event(container, shop_id, "602-d", "602", Status.DELAYED, at + timedelta(hours=6))
    admin = Admin(app, "owner@a.example")
    day = {"from": "2026-10-05", "to": "2026-10-05"}
    page = admin.get("/admin/dashboard", query_string=day).text
    assert kpi(page, "placed") == "4"
    assert "(1 of 4)" in kpi(page, "cancel") and kpi(page, "cancel").startswith("25.0%")
    assert kpi(page, "delayed") == "1"
    sent = int(kpi(page, "sent"))
    with container.session() as s:
        first = s.scalar(select(Notification.id).order_by(Notification.id))
    assert admin.post(f"/admin/log/{first}/resend").status_code == 302
    with container.session() as s, s.begin():  # resent that evening, within the period
        copy = s.scalars(select(Notification).order_by(Notification.id.desc())).first()
        copy.created_at = at + timedelta(hours=12)
    page = admin.get("/admin/dashboard", query_string=day).text
    assert int(kpi(page, "sent")) == sent  # not a new message
    assert kpi(page, "resent") == "1"


def test_the_stats_api_gives_the_dashboards_figures_to_the_shops_key_only(app, container, owner):
    seed_month(container, owner.shop.id)
    want = expected(container, owner.shop.id)
    client = app.test_client()
    key = {"Authorization": f"Bearer {owner.api_key}"}
    assert client.get("/api/v1/stats", query_string=PERIOD).status_code == 401
    wrong = {"Authorization": "Bearer wsk_not_a_key"}
    assert client.get("/api/v1/stats", query_string=PERIOD, headers=wrong).status_code == 401
    for bad in ({"from": "2026-13-01"}, {"from": "0001-01-01"}, {"from": "2024-01-01"}):
        r = client.get("/api/v1/stats", query_string=bad, headers=key)
        assert r.status_code == 400 and r.json["error"], bad
    data = client.get("/api/v1/stats", query_string=PERIOD, headers=key).json
    assert data["period"] == {"from": "2026-10-01", "to": "2026-10-30", "timezone": "UTC"}
    assert data["messages"]["total"]["sent"] == want["sent"]
    assert data["orders"]["placed"] == want["placed"]
    assert data["orders"]["cancelled"] == want["cancelled"]
    assert data["tracking"]["unique_visitors"] == want["unique"]
    assert data["tracking"]["support_contacts_avoided"] == round(want["unique"] * 0.25, 1)
    assert data["carriers"]["DHL"]["parcels"] == want["shipped"]
    csv_text = Admin(app, "owner@a.example").get("/admin/dashboard.csv", query_string=PERIOD).text
    rows = {
        (r["section"], r["scope"], r["metric"]): r["value"]
        for r in csv.DictReader(io.StringIO(csv_text))
    }
    assert rows[("orders", "all", "delayed")] == str(data["orders"]["delayed"])
    assert rows[("messages", "all", "opened")] == str(data["messages"]["total"]["opened"])
