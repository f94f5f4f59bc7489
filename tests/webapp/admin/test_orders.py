"""Orders and the log: search, the timeline, resend, dead letters and retry."""

from __future__ import annotations

from sqlalchemy import select

from core.domain.states import MessageState
from core.domain.statuses import Status
from core.services.shops import update_settings
from core.storage.models import MessageEvent, Notification, Order, OutboxMessage, Shop

from .helpers import Admin, order_event


def _order(c, shop_id):
    order_event(c, shop_id, "e1", "7001", Status.PLACED, phone="+380 67 123 45 67")
    order_event(c, shop_id, "e2", "7001", Status.SHIPPED, phone="+380 67 123 45 67")
    with c.session() as s:
        return s.scalar(select(Order.id))


def test_search_by_number_email_or_phone_opens_the_order(app, container, owner):
    order_id = _order(container, owner.shop.id)
    agent = Admin(app, "agent@a.example")
    for q in ("7001", "#7001", "OLENA@example.com", "0671234567", "+380671234567"):
        r = agent.get("/admin/orders", query_string={"q": q})
        assert r.status_code == 302 and r.headers["Location"].endswith(
            f"/admin/orders/{order_id}"
        ), q
    page = agent.get("/admin/orders", query_string={"q": "9999"}).get_data(as_text=True)
    assert "No order matches" in page


def test_the_timeline_shows_every_message_with_its_state_and_provider(app, container, owner):
    order_id = _order(container, owner.shop.id)
    page = Admin(app, "agent@a.example").get(f"/admin/orders/{order_id}").get_data(as_text=True)
    with container.session() as s:
        notes = s.scalars(select(Notification).order_by(Notification.id)).all()
    assert len(notes) == 2
    for n in notes:
        assert f'data-id="{n.id}" data-state="sent"' in page
        assert n.provider_message_id in page


def test_resend_sends_the_same_content_again_as_a_new_message(app, container, owner):
    _order(container, owner.shop.id)
    with container.session() as s:
        shipped = s.scalar(select(Notification).where(Notification.status == "shipped"))
    # the template changes afterwards: a resend still carries what was sent
    with container.session() as s, s.begin():
        update_settings(
            s.get(Shop, owner.shop.id), templates={"uk/email/shipped.subject.j2": "Changed"}
        )
    agent = Admin(app, "agent@a.example")
    r = agent.post(f"/admin/log/{shipped.id}/resend")
    assert r.status_code == 302
    with container.session() as s:
        copy = s.scalars(select(Notification).order_by(Notification.id.desc())).first()
        assert copy.id != shipped.id and copy.state == MessageState.SENT
        assert (copy.subject, copy.body_text, copy.body_html) == (
            shipped.subject,
            shipped.body_text,
            shipped.body_html,
        )
        sent = s.scalar(select(OutboxMessage).where(OutboxMessage.notification_id == copy.id))
        assert sent.subject == shipped.subject != "Changed"
        event = s.scalar(select(MessageEvent).where(MessageEvent.notification_id == copy.id))
        assert event.kind == "resend" and event.detail == {
            "of": shipped.id,
            "by": "agent@a.example",
        }
    assert agent.post(f"/admin/log/{shipped.id}/resend").status_code == 302  # and again
    with container.session() as s:
        assert len(s.scalars(select(Notification)).all()) == 4


def test_dead_letters_show_their_reason_and_retry(app, container, owner):
    with container.session() as s, s.begin():
        update_settings(
            s.get(Shop, owner.shop.id), channels={"email": [{"provider": "no-such-channel"}]}
        )
    order_event(container, owner.shop.id, "e1", "7002", Status.PLACED)
    with container.session() as s:
        dead = s.scalar(select(Notification))
    assert dead.state == MessageState.DEAD and "no-such-channel" in dead.last_error
    agent = Admin(app, "agent@a.example")
    page = agent.get("/admin/log?state=dead").get_data(as_text=True)
    assert "Dead letters" in page and "no such channel is installed" in page
    with container.session() as s, s.begin():
        update_settings(s.get(Shop, owner.shop.id), channels={})
    assert agent.post(f"/admin/log/{dead.id}/retry").status_code == 302
    with container.session() as s:
        assert s.get(Notification, dead.id).state == MessageState.SENT
    assert agent.post(f"/admin/log/{dead.id}/retry").status_code == 409  # no longer dead
