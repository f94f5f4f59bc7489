"""What each message says comes from the event behind it: its reason, a date that moved,
the day a parcel went out; and an event from the future counts from when it arrived."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from core.domain.events import CLOCK_SKEW, ShipmentInfo
from core.domain.statuses import Status as S
from core.rendering.locales import format_day
from core.services.pipeline import accept_event, process_event
from core.storage.models import Notification, OrderEvent
from tests.conftest import add_shop
from tests.integration.test_pipeline import T0, event, order_of, push

PROMISED = date(2026, 11, 25)  # the confirmation's date
NP = "Нова Пошта"


def body(c, status: S, channel: str = "email") -> str:
    """The text (and HTML) of the one message sent for `status` on `channel`."""
    with c.session() as s:
        note = s.scalars(
            select(Notification).where(
                Notification.status == status.value, Notification.channel == channel
            )
        ).one()
    assert note.state == "sent", (note.state, note.last_error)
    return f"{note.subject}\n{note.body_text}\n{note.body_html or ''}"


def parcel(**kw) -> ShipmentInfo:
    return ShipmentInfo(id="p1", carrier=NP, tracking_number="20450000000000", **kw)


def test_a_cancelled_order_promises_no_delivery_date(container, shop):
    sid = shop.shop.id
    push(container, sid, event("e1", S.PLACED, estimated_delivery=PROMISED))
    push(container, sid, event("e2", S.CANCELLED, 2, reason="Немає в наявності"))
    text = body(container, S.CANCELLED)
    assert "Немає в наявності" in text
    assert "25 листопада" not in text and "дата доставки" not in text


def test_a_date_is_new_only_when_the_event_moved_it_and_says_what_it_was(container, shop):
    sid = shop.shop.id
    push(container, sid, event("e1", S.PLACED, estimated_delivery=PROMISED))
    push(container, sid, event("e2", S.SHIPPED, 5, shipment=parcel(estimated_delivery=PROMISED)))
    # a problem that leaves the date where it was: no "new" date
    push(container, sid, event("e3", S.EXCEPTION, 20, shipment=parcel(), reason="Адреса неповна"))
    problem = body(container, S.EXCEPTION)
    assert "Нова орієнтовна дата" not in problem
    assert problem.count("25 листопада 2026") == 2  # once in the text, once in the HTML
    # a delay that moves it: the new date once, and the old one beside it
    moved = parcel(estimated_delivery=PROMISED + timedelta(days=2))
    push(container, sid, event("e4", S.DELAYED, 30, shipment=moved, reason="Негода"))
    delay = body(container, S.DELAYED)
    new, was = format_day(PROMISED + timedelta(days=2), "uk"), format_day(PROMISED, "uk")
    assert f"Нова орієнтовна дата доставки: {new} (була {was})" in delay
    assert delay.count("27 листопада 2026") == 2  # not again as the plain estimate
    assert "Негода" in delay and "Адреса неповна" not in delay


def test_a_reason_stays_with_the_event_that_carried_it(container):
    new = add_shop(container, policy={"matrix": {"return_requested": {"email": True}}})
    sid = new.shop.id
    push(container, sid, event("e1", S.SHIPPED, 0, shipment=parcel()))
    storm = "Негода в сортувальному центрі"
    push(container, sid, event("e2", S.DELAYED, 5, shipment=parcel(), reason=storm))
    push(container, sid, event("e3", S.DELIVERED, 30, shipment=parcel()))
    push(container, sid, event("e4", S.RETURN_REQUESTED, 50))
    assert storm in body(container, S.DELAYED)
    returned = body(container, S.RETURN_REQUESTED)
    assert storm not in returned and "Причина" not in returned


def test_out_for_delivery_shows_today_never_a_stale_estimate(container, shop):
    sid = shop.shop.id
    late = date(2026, 12, 1)
    push(container, sid, event("e1", S.SHIPPED, 0, shipment=parcel(estimated_delivery=late)))
    # 2026-11-21 22:30 UTC is already 22 November in Kyiv, the shopper's zone
    push(container, sid, event("e2", S.OUT_FOR_DELIVERY, 37.5, shipment=parcel()))
    text = body(container, S.OUT_FOR_DELIVERY)
    assert "22 листопада 2026" in text
    assert "1 грудня" not in text and "21 листопада" not in text


def test_an_event_from_the_future_counts_from_its_receipt_and_keeps_its_claim(container, shop):
    sid, now = shop.shop.id, T0 + timedelta(days=3)
    claimed = now + timedelta(days=2)
    with container.session() as s:
        accepted = accept_event(s, sid, event("e1", S.PLACED, 72 + 48), now=now)
    with container.session() as s:
        process_event(s, accepted.event_id, now=now)
        ev = s.get(OrderEvent, accepted.event_id)
        assert ev is not None and (ev.occurred_at, ev.claimed_at) == (now, claimed)
    assert order_of(container, sid).placed_at == now


def test_a_small_clock_skew_is_believed(container, shop):
    received = T0 - CLOCK_SKEW + timedelta(seconds=1)
    with container.session() as s:
        accepted = accept_event(s, shop.shop.id, event("e1", S.PLACED, 0), now=received)
    with container.session() as s:
        ev = s.get(OrderEvent, accepted.event_id)
        assert ev is not None and (ev.occurred_at, ev.claimed_at) == (T0, None)


def test_an_event_dated_9999_does_not_make_the_orders_later_events_stale(container, shop):
    sid, received = shop.shop.id, T0 + timedelta(hours=1)
    far = replace(event("e1", S.PROCESSING, 0), occurred_at=datetime(9999, 12, 31, tzinfo=UTC))
    with container.session() as s:
        first = accept_event(s, sid, far, now=received)
    with container.session() as s:
        process_event(s, first.event_id, now=received)
    later = T0 + timedelta(hours=3)
    with container.session() as s:
        packed = accept_event(s, sid, event("e2", S.PACKED, 2), now=later)
    with container.session() as s:
        assert process_event(s, packed.event_id, now=later).outcome == "applied"
    assert order_of(container, sid).status == "packed"
