"""smscap directly: the month in the shop's zone, billed segments counted, warn once, refuse.

Usage is the segments of the shop's SMS sent (or claimed for sending) since the first of
the month at midnight in the shop's time zone; the message being admitted is not counted
twice; other shops, channels, months and unsent messages do not count.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.domain.events import CustomerInfo, OrderEventIn
from core.domain.states import MessageState
from core.domain.statuses import Status as S
from core.services.pipeline import accept_event, process_event
from core.services.smscap import admit, month_start, used_segments
from core.storage.models import Notification, Order, Shop
from tests.conftest import add_shop

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ONE = "x" * 160  # one GSM-7 segment
TWO = "x" * 161  # two (153 + 8)
CYRILLIC_TWO = "ж" * 71  # UCS-2: 70 fit in one, 71 take two


def shop_with_order(container, **settings) -> tuple[int, int]:
    """(shop id, order id) of a shop in Kyiv with one order."""
    shop = add_shop(container, timezone="Europe/Kyiv", **settings)
    event = OrderEventIn(
        event_key="e1",
        source="test",
        order_id="9001",
        number="#9001",
        occurred_at=NOW,
        status=S.PLACED,
        customer=CustomerInfo(email="ola@example.com"),
    )
    with container.session() as s:
        accepted = accept_event(s, shop.shop.id, event, now=NOW)
    with container.session() as s:
        process_event(s, accepted.event_id, now=NOW)
        order_id = s.query(Order.id).filter(Order.shop_id == shop.shop.id).scalar()
    return shop.shop.id, order_id


def message(s, shop_id: int, order_id: int, text: str, state: str, at: datetime, **kw) -> int:
    """One stored message (its own parcel key keeps the notifications' unique key apart)."""
    note = Notification(
        shop_id=shop_id,
        order_id=order_id,
        status="shipped",
        shipment_key=f"p{s.query(Notification).count()}",
        channel=kw.pop("channel", "sms"),
        state=state,
        body_text=text,
        not_before=at,
        created_at=at,
        updated_at=at,
        sent_at=at if state == MessageState.SENT else None,
        claimed_at=at if state == MessageState.SENDING else None,
        **kw,
    )
    s.add(note)
    s.flush()
    return note.id


@pytest.mark.parametrize(
    ("now", "start"),
    [
        # 00:30 on 1 December in Kyiv is still 30 November in UTC: December has begun
        (datetime(2026, 11, 30, 22, 30, tzinfo=UTC), datetime(2026, 11, 30, 22, 0, tzinfo=UTC)),
        # 23:30 on 30 November in Kyiv: still November's
        (datetime(2026, 11, 30, 21, 30, tzinfo=UTC), datetime(2026, 10, 31, 22, 0, tzinfo=UTC)),
    ],
)
def test_the_month_starts_at_midnight_in_the_shops_zone(container, now, start):
    shop_id, _ = shop_with_order(container)
    with container.session() as s:
        assert month_start(s.get(Shop, shop_id), now) == start


def test_only_this_months_sent_or_sending_sms_of_this_shop_count_in_segments(container):
    shop_id, order_id = shop_with_order(container)
    other_id, other_order = shop_with_order(container)
    with container.session() as s, s.begin():
        shop = s.get(Shop, shop_id)
        start = month_start(shop, NOW)
        message(s, shop_id, order_id, TWO, MessageState.SENT, NOW - timedelta(days=1))  # 2
        message(s, shop_id, order_id, CYRILLIC_TWO, MessageState.SENDING, NOW)  # 2
        admitted = message(s, shop_id, order_id, ONE, MessageState.SENDING, NOW)  # itself
        message(s, shop_id, order_id, ONE, MessageState.SENT, start - timedelta(minutes=1))
        message(s, shop_id, order_id, ONE, MessageState.PENDING, NOW)
        message(s, shop_id, order_id, ONE, MessageState.DEAD, NOW)
        message(s, shop_id, order_id, ONE, MessageState.SENT, NOW, channel="whatsapp")
        message(s, other_id, other_order, TWO, MessageState.SENT, NOW)
        assert used_segments(s, shop, start, exclude=admitted) == 4


def test_the_merchant_is_warned_once_near_the_cap_and_the_sms_over_it_is_refused(container):
    shop_id, order_id = shop_with_order(container, sms_cap={"segments": 5, "warn_at": 0.6})
    with container.session() as s, s.begin():
        shop = s.get(Shop, shop_id)
        message(s, shop_id, order_id, TWO, MessageState.SENT, NOW - timedelta(hours=1))
        first = s.get(Notification, message(s, shop_id, order_id, ONE, "sending", NOW))
        assert admit(s, shop, first, NOW) is None  # 2 + 1 of 5: 3 is the 60 % mark
        state = dict(shop.state["sms_cap"])
        assert state == {
            "month": "2026-11",
            "used": 2,
            "cap": 5,
            "warned_at": NOW.isoformat(),
            "notify": True,
        }
        first.state, first.sent_at = MessageState.SENT, NOW
        shop.state = {**shop.state, "sms_cap": {**state, "notify": False}}
        later = NOW + timedelta(minutes=5)
        second = s.get(Notification, message(s, shop_id, order_id, ONE, "sending", later))
        assert admit(s, shop, second, later) is None  # 4 of 5: no second warning
        assert shop.state["sms_cap"]["warned_at"] == NOW.isoformat()
        assert shop.state["sms_cap"]["notify"] is False
        second.state, second.sent_at = MessageState.SENT, later
        third = s.get(Notification, message(s, shop_id, order_id, TWO, "sending", later))
        refusal = admit(s, shop, third, later)
        assert refusal == "monthly SMS cap reached (4 of 5 segments used)"
        assert shop.state["sms_cap"]["reached_at"] == later.isoformat()


def test_a_new_month_starts_counting_afresh_and_no_cap_admits_everything(container):
    shop_id, order_id = shop_with_order(container, sms_cap={"segments": 10})
    with container.session() as s, s.begin():
        shop = s.get(Shop, shop_id)
        shop.state = {"sms_cap": {"month": "2026-10", "used": 10, "reached_at": "2026-10-30"}}
        note = s.get(Notification, message(s, shop_id, order_id, TWO, "sending", NOW))
        assert admit(s, shop, note, NOW) is None
        assert shop.state["sms_cap"] == {"month": "2026-11", "used": 0, "cap": 10}
        shop.settings = {**shop.settings, "sms_cap": {}}
        huge = s.get(Notification, message(s, shop_id, order_id, "x" * 2000, "sending", NOW))
        assert admit(s, shop, huge, NOW) is None
