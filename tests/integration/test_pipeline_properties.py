"""Property: through the real pipeline and database, any duplication and reordering of a
valid event stream ends in the same final status and sends each due message at most once."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.states import MessageState
from core.domain.statuses import Status as S
from core.services.pipeline import accept_event
from core.storage.models import Notification, Order
from tests.conftest import add_shop, make_container

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
JOURNEYS = [
    [S.PLACED, S.PROCESSING, S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED],
    [S.PLACED, S.SHIPPED, S.DELAYED, S.IN_TRANSIT, S.READY_FOR_PICKUP, S.DELIVERED],
    [S.PLACED, S.PROCESSING, S.CANCELLED, S.REFUNDED],
    [S.PLACED, S.SHIPPED, S.DELIVERED, S.RETURN_REQUESTED, S.RETURNED, S.REFUNDED],
]
PARCEL = {S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.READY_FOR_PICKUP, S.DELIVERED, S.DELAYED}


def events_of(journey: list[S]) -> list[OrderEventIn]:
    return [
        OrderEventIn(
            event_key=f"e{i}",
            source="test",
            order_id="1",
            number="#1",
            occurred_at=T0 + timedelta(hours=i),
            status=status,
            customer=CustomerInfo(name="Emma Clarke", email="emma@example.com"),
            shipment=ShipmentInfo(id="p1") if status in PARCEL else None,
        )
        for i, status in enumerate(journey)
    ]


def run(events: list[OrderEventIn]) -> tuple[str | None, list[tuple[str, str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        c = make_container(f"sqlite:///{Path(tmp) / 'p.db'}")
        try:
            shop = add_shop(c, policy={"matrix": {s.value: {"email": True} for s in S}})
            for ev in events:
                with c.session() as s:
                    accepted = accept_event(s, shop.shop.id, ev)
                if not accepted.duplicate:
                    c.queue.enqueue("process_event", accepted.event_id)
            with c.session() as s:
                status = s.scalars(select(Order.status)).one()
                sent = [
                    (n.status, n.shipment_key)
                    for n in s.scalars(
                        select(Notification).where(Notification.state == MessageState.SENT)
                    )
                ]
        finally:
            c.engine.dispose()
    return status, sent


@st.composite
def streams(draw):
    journey = draw(st.sampled_from(JOURNEYS))
    events = events_of(journey[: draw(st.integers(2, len(journey)))])
    dupes = draw(st.lists(st.sampled_from(events), max_size=4))
    return events, draw(st.permutations(events + dupes))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams())
def test_duplication_and_reordering_through_the_database(stream):
    in_order, delivered = stream
    expected_status, _ = run(in_order)
    status, sent = run(delivered)
    assert status == expected_status
    assert len(sent) == len(set(sent))  # no message twice
    assert sent, "the final state was announced"
