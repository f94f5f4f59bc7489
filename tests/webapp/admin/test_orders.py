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


def _whole_order(c, shop_id):
    """An order that was promised for 5 Dec, delayed to 9 Dec, with a followed parcel, a
    rating, an opt-out from the tracking page and a messenger connection."""
    from datetime import UTC, date, datetime

    from core.services.contacts import record_opt_out
    from core.services.shopper import save_feedback
    from core.storage.models import CarrierScan, ContactChannel, FollowedParcel, Shipment

    t = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    phone = "+380 67 123 45 67"
    order_event(
        c,
        shop_id,
        "w1",
        "8001",
        Status.PLACED,
        at=t,
        phone=phone,
        estimated_delivery=date(2026, 12, 5),
    )
    order_event(c, shop_id, "w2", "8001", Status.SHIPPED, at=t.replace(day=2), phone=phone)
    order_event(
        c,
        shop_id,
        "w3",
        "8001",
        Status.DELAYED,
        at=t.replace(day=3),
        phone=phone,
        estimated_delivery=date(2026, 12, 9),
        reason="Снігопад на трасі Київ – Львів",
    )
    with c.session() as s, s.begin():
        order = s.scalar(select(Order))
        parcel = s.scalar(select(Shipment))
        followed = FollowedParcel(
            shop_id=shop_id,
            shipment_id=parcel.id,
            order_external_id="8001",
            shipment_external_id="p1",
            number="20450712345678",
            carrier="novaposhta",
            state="active",
            status="in_transit",
            last_success_at=t.replace(day=3, hour=10),
        )
        s.add(followed)
        s.flush()
        s.add(
            CarrierScan(
                shop_id=shop_id,
                parcel_id=followed.id,
                scan_id="s1",
                occurred_at=t.replace(day=2, hour=18),
                code="5",
                description="Відправлення прямує до міста Львів",
                status="in_transit",
                location="Київ",
            )
        )
        save_feedback(s, order, 2, "Чекала довго, але курʼєр ввічливий")
        record_opt_out(s, shop_id, "sms", phone, "tracking page")
        s.add(
            ContactChannel(
                shop_id=shop_id, customer_id=order.customer_id, channel="telegram", address="777000"
            )
        )
        return order.id


def test_the_order_page_answers_a_support_question_without_another_screen(app, container, owner):
    order_id = _whole_order(container, owner.shop.id)
    page = Admin(app, "agent@a.example").get(f"/admin/orders/{order_id}").get_data(as_text=True)
    # the date now, and each time it moved and why
    assert "Estimated delivery: Dec 9, 2026" in page
    moves = page[page.index('id="date-moves"') : page.index('id="parcels"')]
    assert "set to December 5, 2026 · the store&#39;s own date" in moves
    assert "moved from December 5, 2026 to December 9, 2026" in moves
    assert "Снігопад на трасі Київ – Львів" in moves
    # the parcel, how it is followed, and the carrier's scans
    assert 'data-followed="active"' in page
    assert "Відправлення прямує до міста Львів" in page and "Київ" in page
    # the shopper: channels on and off, the stop they said, the messenger, the rating
    assert 'data-channel="sms" data-on="no"' in page
    assert 'data-channel="email" data-on="yes"' in page
    assert "switched off on the tracking page" in page
    assert "Telegram" in page[page.index('id="messengers"') :]
    assert "★★☆☆☆" in page and "Чекала довго, але курʼєр ввічливий" in page


def test_staff_notes_are_kept_with_their_author_and_refused_when_empty(app, container, owner):
    order_id = _order(container, owner.shop.id)
    agent = Admin(app, "agent@a.example")
    r = agent.post(
        f"/admin/orders/{order_id}/notes", data={"body": "  Called her: parcel re-sent  "}
    )
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/admin/orders/{order_id}#notes"
    )
    assert agent.post(f"/admin/orders/{order_id}/notes", data={"body": "   "}).status_code == 302
    assert (
        agent.post(f"/admin/orders/{order_id}/notes", data={"body": "x" * 2001}).status_code == 302
    )
    page = agent.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    notes = page[page.index('id="staff-notes"') :]
    assert "Called her: parcel re-sent" in notes and "agent@a.example" in notes
    assert notes.count("<li>") == 1  # the empty and the over-long note were refused
    # without the CSRF token: refused, nothing kept
    bare = agent.client.post(f"/admin/orders/{order_id}/notes", data={"body": "forged"})
    assert bare.status_code == 400
    assert "forged" not in agent.get(f"/admin/orders/{order_id}").get_data(as_text=True)
