"""Following parcels with a frozen clock: detection, intervals, batches, rate limits, back-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.carriers.schedule import PollPolicy
from core.services.polling import poll_tick
from core.storage.models import CarrierScan, Order, OrderEvent, Shipment
from tests.support.novaposhta import NovaPoshtaStandIn, record

from .helpers import T0, FakeClock, bulk_shipped, np_shop, parcel, ship

N1 = "20450000000001"


@pytest.fixture
def np(http_stub):
    return NovaPoshtaStandIn(http_stub)


@pytest.fixture
def queued(database_url, redis_url):
    """A container whose jobs wait in a real Redis queue (no worker): events stay accepted."""
    import uuid

    from core.queue_rq import RqQueue
    from tests.conftest import make_container

    c = make_container(database_url)
    queue = RqQueue(redis_url, f"carriers-test-{uuid.uuid4().hex[:8]}")
    c.queue = queue
    yield c
    queue.queue.empty()
    c.engine.dispose()


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def tick(c, at, **kw):
    clock = kw.pop("clock", FakeClock())
    return poll_tick(c, now=at, clock=clock, sleep=clock.sleep, **kw)


def shipment(c, order="1001"):
    with c.session() as s:
        return s.scalars(select(Shipment).join(Order).where(Order.external_id == order)).one()


def carrier_events(c):
    with c.session() as s:
        return s.scalars(
            select(OrderEvent.status).where(OrderEvent.source == "carrier").order_by(OrderEvent.id)
        ).all()


def test_a_shipped_parcel_is_followed_and_the_carriers_scans_move_it(container, np, frozen):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", N1)
    np.records[N1] = record(N1, "5")
    report = tick(container, T0)
    assert report.discovered == 1 and report.requests == 1 and report.accepted == 1
    p = parcel(container, N1)
    assert (p.carrier, p.detected_by, p.state, p.status) == (
        "novaposhta",
        "name",
        "active",
        "in_transit",
    )
    assert shipment(container).status == "in_transit"
    assert shipment(container).estimated_delivery.isoformat() == "2026-09-16"
    with container.session() as s:
        assert s.scalar(select(func.count()).select_from(CarrierScan)) == 1
    assert np.problems == []


def test_intervals_follow_where_the_parcel_is(container, np, frozen):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", N1)
    np.records[N1] = record(N1, "5")
    tick(container, T0)
    assert parcel(container, N1).next_check_at == T0 + timedelta(hours=6)  # long transit
    assert tick(container, T0 + timedelta(hours=5)).requests == 0
    np.records[N1] = record(N1, "101", scan="14.09.2026 21:00:00")  # the courier has it
    at = T0 + timedelta(hours=6)
    assert tick(container, at).requests == 1
    assert parcel(container, N1).next_check_at == at + timedelta(minutes=30)
    np.records[N1] = record(N1, "7", scan="14.09.2026 21:30:00")
    at += timedelta(minutes=30)
    tick(container, at)
    assert parcel(container, N1).next_check_at == at + timedelta(hours=1)  # at the branch
    assert carrier_events(container) == ["in_transit", "out_for_delivery", "ready_for_pickup"]


def test_the_same_scan_polled_again_is_one_event(container, np, frozen):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", N1)
    np.records[N1] = record(N1, "5")
    tick(container, T0)
    tick(container, T0 + timedelta(hours=6))
    tick(container, T0 + timedelta(hours=12))
    assert len(np.tracking_calls()) == 3 and carrier_events(container) == ["in_transit"]


def test_parcels_are_batched_per_carrier_account(queued, np, frozen):
    a = np_shop(queued, np.url, name="A")
    b = np_shop(queued, np.url, name="B")  # the same Nova Poshta account as A
    numbers = [f"2045{i:010d}" for i in range(250)]
    bulk_shipped(queued, a.shop.id, numbers[:125])
    bulk_shipped(queued, b.shop.id, numbers[125:])
    for n in numbers:
        np.records[n] = record(n, "5")
    report = tick(queued, T0, tick_seconds=10)
    assert report.requests == 3 and report.parcels == 250
    assert sorted(len(d) for d in np.documents_asked) == [50, 100, 100]
    assert np.problems == []


def test_other_credentials_are_asked_apart(container, np, frozen):
    a = np_shop(container, np.url, name="A")
    b = np_shop(container, np.url, key="f" * 32, name="B")  # a key Nova Poshta refuses
    ship(container, a.shop.id, "1001", N1)
    ship(container, b.shop.id, "1002", "20450000000002")
    np.records[N1] = record(N1, "5")
    report = tick(container, T0)
    assert report.requests == 2 and report.failed_batches == 1
    refused = parcel(container, "20450000000002")
    assert "API key" in (refused.last_error or "")
    assert refused.next_check_at == T0 + timedelta(hours=1)
    assert parcel(container, N1).status == "in_transit"


def test_each_account_stays_within_the_carriers_rate_limit(queued, np, frozen):
    shop = np_shop(queued, np.url)
    numbers = [f"2045{i:010d}" for i in range(500)]  # five batches of 100
    bulk_shipped(queued, shop.shop.id, numbers)
    for n in numbers:
        np.records[n] = record(n, "5")
    clock = FakeClock()
    first = tick(queued, T0, tick_seconds=1.0, clock=clock)  # Nova Poshta: 2 requests/s
    assert first.requests == 2 and first.deferred == 300
    assert clock.slept == [0.5]  # the second request waited its turn
    second = tick(queued, T0 + timedelta(seconds=1), tick_seconds=1.0)
    third = tick(queued, T0 + timedelta(seconds=2), tick_seconds=1.0)
    assert (second.requests, third.requests, third.deferred) == (2, 1, 0)
    assert len(carrier_events(queued)) == 500 and len(queued.queue.queue) == 500


@pytest.mark.parametrize("failure", [503, "slow"])
def test_a_failing_carrier_is_backed_off_and_nothing_is_lost(container, np, frozen, failure):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", N1)
    np.records[N1] = record(N1, "7")
    np.failures += [failure, failure]
    report = tick(container, T0, timeout=0.5)
    assert report.failed_batches == 1 and carrier_events(container) == []
    p = parcel(container, N1)
    assert p.failures == 1 and p.next_check_at == T0 + timedelta(minutes=1)
    assert tick(container, T0 + timedelta(seconds=30)).requests == 0  # not yet
    tick(container, T0 + timedelta(minutes=1), timeout=0.5)
    p = parcel(container, N1)
    assert p.failures == 2 and p.next_check_at == T0 + timedelta(minutes=3)  # doubled
    tick(container, T0 + timedelta(minutes=3))
    p = parcel(container, N1)
    assert p.failures == 0 and p.status == "ready_for_pickup"
    assert carrier_events(container) == ["ready_for_pickup"]


def test_nothing_is_polled_after_the_end(container, np, frozen):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", N1)
    np.records[N1] = record(N1, "9")
    tick(container, T0)
    p = parcel(container, N1)
    assert p.final_at == T0 and p.state == "active"
    at = T0 + timedelta(hours=6)
    while at <= T0 + timedelta(days=1):
        tick(container, at)
        at += timedelta(hours=6)
    assert parcel(container, N1).state == "ended"
    calls = len(np.tracking_calls())
    for days in (2, 3, 10):
        assert tick(container, T0 + timedelta(days=days)).requests == 0
    assert len(np.tracking_calls()) == calls and carrier_events(container) == ["delivered"]


def test_carrier_names_are_recognised_however_the_shop_writes_them(container, np, frozen):
    shop = np_shop(container, np.url)
    for i, name in enumerate(["Nova Poshta", "nova-poshta", "novaposhta", "НОВА ПОШТА"]):
        ship(container, shop.shop.id, f"o{i}", f"1234567{i}", carrier=name)
    ship(container, shop.shop.id, "o9", "59000123456789", carrier="Courier")  # by its number
    tick(container, T0)
    for i in range(4):
        p = parcel(container, f"1234567{i}")
        assert (p.carrier, p.detected_by) == ("novaposhta", "name")
    by_number = parcel(container, "59000123456789")
    assert (by_number.carrier, by_number.detected_by) == ("novaposhta", "number")


def test_a_number_no_carrier_knows_is_flagged_after_48_hours(container, np, frozen):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", "ABC-42", carrier=None)  # nobody's format
    ship(container, shop.shop.id, "1002", "20459999999999")  # Nova Poshta's, but unknown
    policy = PollPolicy()
    at = T0
    while at <= T0 + timedelta(hours=49):
        tick(container, at, policy=policy)
        at += timedelta(hours=1)
    odd, unknown = parcel(container, "ABC-42"), parcel(container, "20459999999999")
    assert odd.state == "unrecognised" and odd.flagged_at is not None
    assert unknown.state == "not_found" and unknown.flagged_at is not None
    assert unknown.not_found_since == T0


def test_the_merchant_sees_each_carriers_health_and_the_parcels_needing_attention(
    container, np, frozen
):
    from core.services.carrier_health import attention, health

    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", N1)
    ship(container, shop.shop.id, "1002", "ABC-42", carrier=None)
    ship(container, shop.shop.id, "1003", "20450000000003")
    np.records[N1] = record(N1, "5")
    np.records["20450000000003"] = record("20450000000003", "103")  # refused
    at = T0
    while at <= T0 + timedelta(hours=49):
        tick(container, at)
        at += timedelta(hours=1)
    with container.session() as s:
        (np_health,) = health(s, shop.shop.id)
        needs = {n.number: n.why for n in attention(s, shop.shop.id, at)}
    assert np_health.carrier == "novaposhta" and np_health.followed == 1  # the refused one ended
    assert np_health.last_success_at is not None and np_health.failing == 0
    assert needs == {"ABC-42": "unrecognised", "20450000000003": "problem"}
    with container.session() as s:  # a week on, the parcel in transit has had no news
        needs = {n.number: n.why for n in attention(s, shop.shop.id, T0 + timedelta(days=8))}
    assert needs[N1] == "quiet"


def test_unknown_numbers_stop_being_asked_about_after_the_give_up_time(container, np, frozen):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", "ABC-42", carrier=None)
    ship(container, shop.shop.id, "1002", "20459999999999")
    policy = PollPolicy(
        flag_after=timedelta(hours=1),
        give_up_after=timedelta(hours=3),
        not_found=timedelta(hours=1),
    )
    for hours in range(0, 8):
        tick(container, T0 + timedelta(hours=hours), policy=policy)
    calls = len(np.tracking_calls())
    assert calls == 4  # 0 h, 1 h, 2 h, 3 h: then given up
    for p in (parcel(container, "ABC-42"), parcel(container, "20459999999999")):
        assert p.next_check_at is None and p.flagged_at is not None and p.ended_at is not None


def test_one_waybill_on_two_orders_moves_both(container, np, frozen):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", N1)
    ship(container, shop.shop.id, "1002", N1)  # shipped together under one waybill
    np.records[N1] = record(N1, "7")
    report = tick(container, T0)
    assert report.requests == 1 and report.accepted == 2
    assert shipment(container, "1001").status == shipment(container, "1002").status
    assert shipment(container, "1002").status == "ready_for_pickup"
