"""17TRACK as the fallback, and detection among the shop's connected carriers first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.carriers.detect import detect
from core.carriers.schedule import PollPolicy
from core.services.following import carrier_classes
from core.services.polling import poll_tick
from core.storage.models import Order, OrderEvent, Shipment, Shop
from tests.conftest import add_shop
from tests.support.carrier_standins import SeventeenTrackStandIn
from tests.support.novaposhta import NovaPoshtaStandIn, record

from .helpers import T0, FakeClock, np_shop, parcel, ship
from .test_seventeentrack import track_info

ODD = "XK-2209-1266-07"  # no installed carrier's format
ODD_17 = "XK2209126607"  # as 17TRACK is asked about it (cleaned)
UNKNOWN_NP = "20459999999999"  # Nova Poshta's format, unknown to Nova Poshta
UPS = "1Z999AA10123456784"  # a UPS number (check digit right); UPS is not connected


@pytest.fixture
def np(http_stub):
    return NovaPoshtaStandIn(http_stub)


@pytest.fixture
def track17(http_stub):
    return SeventeenTrackStandIn(http_stub)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def tick(c, at, **kw):
    clock = FakeClock()
    return poll_tick(c, now=at, clock=clock, sleep=clock.sleep, **kw)


def connect_17track(c, shop_id, standin):
    """The shop connects 17TRACK: the address in its settings, the key sealed."""
    with c.session() as s, s.begin():
        shop = s.get(Shop, shop_id)
        assert shop is not None
        entries = [*shop.settings.get("carriers", [])]
        entries.append({"carrier": "seventeentrack", "base_url": standin.base_url})
        shop.settings = {**shop.settings, "carriers": entries}
        secrets = c.box.open(shop.secrets)
        carriers = {**(secrets.get("carriers") or {}), "seventeentrack": {"api_key": "17-key"}}
        shop.secrets = c.box.seal({**secrets, "carriers": carriers})


def statuses(c, order):
    with c.session() as s:
        return s.scalars(
            select(OrderEvent.status)
            .join(Order, Order.id == OrderEvent.order_id)
            .where(OrderEvent.source == "carrier", Order.external_id == order)
            .order_by(OrderEvent.id)
        ).all()


def shipment_status(c, order):
    with c.session() as s:
        return s.scalar(select(Shipment.status).join(Order).where(Order.external_id == order))


def history(number, status="InTransit"):
    return track_info(
        ("2026-09-14T10:00:00Z", "InTransit_PickedUp", "Picked up"),
        ("2026-09-14T11:00:00Z", f"{status}_Other", "Arrived"),
        status=status,
    )


def test_an_unknown_number_is_followed_through_17track_and_its_scans_reach_the_order(
    container, np, track17, frozen
):
    shop = np_shop(container, np.url)
    connect_17track(container, shop.shop.id, track17)
    ship(container, shop.shop.id, "1001", ODD, carrier=None)
    track17.histories[ODD_17] = history(ODD, "AvailableForPickup")
    tick(container, T0)  # 17TRACK registers the number, answers "not registered yet"
    p = parcel(container, ODD)
    assert (p.carrier, p.detected_by, p.state) == ("seventeentrack", "fallback", "not_found")
    assert track17.registered == {ODD_17}
    tick(container, T0 + timedelta(hours=1))
    p = parcel(container, ODD)
    assert (p.state, p.status, p.flagged_at) == ("active", "ready_for_pickup", None)
    assert statuses(container, "1001") == ["in_transit", "ready_for_pickup"]
    assert shipment_status(container, "1001") == "ready_for_pickup"
    assert np.tracking_calls() == [] and track17.problems == []


def test_a_nova_poshta_not_found_falls_back_to_17track(container, np, track17, frozen):
    shop = np_shop(container, np.url)
    connect_17track(container, shop.shop.id, track17)
    ship(container, shop.shop.id, "1001", UNKNOWN_NP)  # named Нова пошта, unknown there
    track17.histories[UNKNOWN_NP] = history(UNKNOWN_NP)
    tick(container, T0)  # Nova Poshta: not found; 17TRACK is next, due at once
    p = parcel(container, UNKNOWN_NP)
    assert (p.carrier, p.detected_by, p.candidates) == ("seventeentrack", "fallback", [])
    assert p.next_check_at == T0 and p.state == "active"
    tick(container, T0)  # the same moment: 17TRACK is asked (and registers it)
    assert track17.registered == {UNKNOWN_NP}
    tick(container, T0 + timedelta(hours=1))
    p = parcel(container, UNKNOWN_NP)
    assert (p.carrier, p.detected_by, p.state) == ("seventeentrack", "fallback", "active")
    assert statuses(container, "1001") == ["in_transit", "in_transit"]  # two scans
    assert shipment_status(container, "1001") == "in_transit"
    assert len(np.tracking_calls()) == 1 and np.problems == [] and track17.problems == []


def test_connected_carriers_come_first(container, np, track17, frozen):
    shop = np_shop(container, np.url)
    connect_17track(container, shop.shop.id, track17)
    ship(container, shop.shop.id, "1001", "59000123456789", carrier="Courier")  # NP's format
    ship(container, shop.shop.id, "1002", UPS, carrier=None)  # UPS: not connected
    ship(container, shop.shop.id, "1003", UPS[:-1] + "5", carrier="UPS")  # named, unconnected
    np.records["59000123456789"] = record("59000123456789", "5")
    tick(container, T0)
    waybill = parcel(container, "59000123456789")
    assert (waybill.carrier, waybill.detected_by) == ("novaposhta", "number")
    assert waybill.candidates == ["seventeentrack"] and waybill.status == "in_transit"
    for number in (UPS, UPS[:-1] + "5"):
        p = parcel(container, number)
        assert (p.carrier, p.detected_by, p.last_error) == ("seventeentrack", "fallback", None)


def test_without_17track_an_unconnected_carrier_stays_not_connected(container, np, frozen):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", UPS, carrier=None)
    tick(container, T0)
    p = parcel(container, UPS)
    assert (p.carrier, p.last_error) == ("ups", "not connected")


def test_connecting_17track_later_takes_the_numbers_nobody_could(container, np, track17, frozen):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", UPS, carrier=None)
    ship(container, shop.shop.id, "1002", ODD, carrier=None)
    tick(container, T0)
    assert parcel(container, ODD).state == "unrecognised"
    connect_17track(container, shop.shop.id, track17)
    at = T0 + timedelta(hours=6)
    tick(container, at)  # both due again: re-detected among the connected carriers
    tick(container, at)  # and asked about at 17TRACK
    for number in (UPS, ODD):
        p = parcel(container, number)
        assert (p.carrier, p.detected_by) == ("seventeentrack", "fallback")
    assert track17.registered == {UPS, ODD_17}


def test_without_17track_the_number_is_flagged_after_48_hours(container, np, frozen):
    shop = np_shop(container, np.url)
    ship(container, shop.shop.id, "1001", UNKNOWN_NP)
    ship(container, shop.shop.id, "1002", ODD, carrier=None)
    at = T0
    while at < T0 + timedelta(hours=47):
        tick(container, at)
        at += timedelta(hours=1)
    assert parcel(container, UNKNOWN_NP).flagged_at is None
    assert parcel(container, ODD).flagged_at is None
    while at <= T0 + timedelta(hours=49):
        tick(container, at)
        at += timedelta(hours=1)
    unknown, odd = parcel(container, UNKNOWN_NP), parcel(container, ODD)
    assert (unknown.carrier, unknown.state) == ("novaposhta", "not_found")
    assert unknown.flagged_at == T0 + timedelta(hours=48)
    assert (odd.carrier, odd.state) == (None, "unrecognised") and odd.flagged_at is not None


def test_when_17track_does_not_know_it_either_the_number_is_flagged_after_48_hours(
    container, np, track17, frozen
):
    shop = np_shop(container, np.url)
    connect_17track(container, shop.shop.id, track17)
    ship(container, shop.shop.id, "1001", UNKNOWN_NP)  # nobody has it: no history anywhere
    policy = PollPolicy()
    at = T0
    while at <= T0 + timedelta(hours=49):
        tick(container, at, policy=policy)
        at += timedelta(hours=1)
    p = parcel(container, UNKNOWN_NP)
    assert (p.carrier, p.state, p.not_found_since) == ("seventeentrack", "not_found", T0)
    assert p.flagged_at == T0 + timedelta(hours=48)


def test_detection_orders_connected_carriers_then_the_fallback():
    carriers = carrier_classes()
    everything = set(carriers)
    assert detect(None, UPS, carriers, "UA", {"novaposhta"}).carrier == "ups"  # as before
    assert detect(None, UPS, carriers, "UA", {"novaposhta", "ups"}).how == "number"
    found = detect(None, UPS, carriers, "UA", {"novaposhta", "seventeentrack"})
    assert (found.carrier, found.how, found.others) == ("seventeentrack", "fallback", ())
    found = detect(None, "59000123456789", carriers, "UA", everything)
    assert found.carrier == "novaposhta" and found.others[-1] == "seventeentrack"
    found = detect("Nova Poshta", "59000123456789", carriers, "UA", everything)
    assert (found.how, found.others) == ("name", ("seventeentrack",))
    assert detect(None, ODD, carriers, "UA", {"novaposhta"}).carrier is None
    assert detect(None, "ABC-42", carriers, "UA", everything).carrier is None  # 17TRACK: too short


def test_a_shop_without_any_carrier_connected_keeps_the_old_answers(container, frozen):
    shop = add_shop(container, country="UA")
    ship(container, shop.shop.id, "1001", "59000123456789", carrier=None)
    tick(container, T0)
    p = parcel(container, "59000123456789")
    assert (p.carrier, p.last_error) == ("novaposhta", "not connected")
