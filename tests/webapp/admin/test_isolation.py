"""Per-shop isolation over every admin route: shop A's staff never reach shop B's data.

The routes come from app.url_map, so a route added later is checked too; an argument
name this test does not know fails it until someone says what shop B's value is.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.domain.statuses import Status
from core.services.message_templates import Slot, save
from core.services.problems import open_reports, report_problem
from core.services.shops import update_settings
from core.storage.models import (
    CareAction,
    Notification,
    Order,
    OrderNote,
    Shop,
    StaffUser,
    TemplateVersion,
)
from tests.conftest import add_shop

from .helpers import Admin, make_staff, order_event

MARK = "zz-shop-b-private-zz"
# arguments naming a row of a shop: replaced by shop B's row id
OBJECT_ARGS = {
    "order_id",
    "notification_id",
    "version_id",
    "staff_id",
    "report_id",
    "action_id",
}
# arguments naming a slot of the signed-in shop's own settings (no shop in the URL)
SLOT_ARGS = {
    "channel": "email",
    "status": "shipped",
    "locale": "uk",
    "kind": "email",
    "slug": "novaposhta",  # a carrier of the signed-in shop (Settings → Carriers)
}
# signed links: the token itself says which shop; a forged one is a 404
SIGNED = {"admin.redeem_link", "admin.confirm_test", "admin.confirm_sender"}


def _shop_b(c):
    b = add_shop(c, name="Shop B", branding={"support_email": f"{MARK}@b.example"})
    staff_id = make_staff(c, b.shop.id, "owner@b.example")
    order_event(c, b.shop.id, "b1", "B777", Status.PLACED, email=f"{MARK}@shopper.example")
    with c.session() as s, s.begin():
        shop = s.get(Shop, b.shop.id)
        slot = Slot("email", Status.SHIPPED, "uk")
        assert save(s, shop, slot, {"subject": f"{MARK} {{{{ order_number }}}}"}, "b") == []
        update_settings(shop, channels={"email": [{"provider": "smtp"}]})
    with c.session() as s:
        note = s.scalars(select(Notification).where(Notification.shop_id == b.shop.id)).first()
        version = s.scalars(select(TemplateVersion).where(TemplateVersion.shop_id == b.shop.id))
        report = report_problem(s, s.get(Order, note.order_id), "damaged", f"{MARK} broken")
        action = CareAction(
            shop_id=b.shop.id,
            order_id=note.order_id,
            key="p1:late:delay:x",
            rule="late",
            step="delay",
            parcel="",
            detail={},
            discount_code=f"{MARK}-CODE",
        )
        s.add(action)
        s.commit()
        ids = {
            "report_id": report.id,
            "order_id": note.order_id,
            "notification_id": note.id,
            "version_id": version.first().id,
            "staff_id": staff_id,
            "action_id": action.id,
        }
    return b, ids


def _counts(c, shop_id):
    with c.session() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.shop_id == shop_id)
            ),
            s.scalar(
                select(func.count()).select_from(StaffUser).where(StaffUser.shop_id == shop_id)
            ),
            dict(s.get(Shop, shop_id).settings),
            [(r.id, r.handled_at) for r in open_reports(s, shop_id)],
            s.scalar(
                select(func.count()).select_from(OrderNote).where(OrderNote.shop_id == shop_id)
            ),
            [
                a.resolved_at
                for a in s.scalars(select(CareAction).where(CareAction.shop_id == shop_id))
            ],
        )


def test_every_admin_route_hides_shop_b_from_shop_a(app, container, owner):
    b, ids = _shop_b(container)
    before = _counts(container, b.shop.id)
    admin = Admin(app, "owner@a.example")
    checked_objects = checked_pages = 0
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]
    rules.sort(key=lambda r: r.endpoint == "admin.sign_out")  # signing out comes last
    for rule in rules:
        args = set(rule.arguments)
        unknown = args - OBJECT_ARGS - set(SLOT_ARGS) - {"token"}
        assert not unknown, f"{rule.rule}: say what shop B's {unknown} is in this test"
        values = {a: ids[a] for a in args & OBJECT_ARGS}
        values |= {a: SLOT_ARGS[a] for a in args & set(SLOT_ARGS)}
        if "token" in args:
            assert rule.endpoint in SIGNED, rule.rule
            values["token"] = "forged.token.value"
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, v=values: str(v[m[1]]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            r = admin.post(url) if method == "POST" else admin.get(url)
            if args & OBJECT_ARGS or "token" in args:
                assert r.status_code == 404, (method, url, r.status_code)
                checked_objects += 1
            else:
                assert r.status_code in (200, 302, 400, 401, 404, 422), (method, url, r.status_code)
                assert MARK not in r.get_data(as_text=True), (method, url)
                checked_pages += 1
    assert checked_objects >= 9 and checked_pages >= 25
    assert _counts(container, b.shop.id) == before  # nothing of shop B changed either


def test_a_search_never_finds_shop_b_orders(app, container, owner):
    _shop_b(container)
    admin = Admin(app, "owner@a.example")
    for q in ("B777", "#B777", f"{MARK}@shopper.example"):
        page = admin.get("/admin/orders", query_string={"q": q})
        assert page.status_code == 200
        assert "No order matches" in page.get_data(as_text=True)
