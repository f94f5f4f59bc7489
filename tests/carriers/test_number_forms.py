"""One normal form of a tracking number: pushes, polling answers and detection agree on it.

A shop types "RR 123 456 785 UA" or "1Z-999-AA1-01234-5678-4"; 17TRACK pushes
"RR123456785UA"; a carrier answers in its own spelling. All meet on `numbers.clean`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.services.following import find_parcels
from core.storage.models import OrderEvent
from tests.conftest import add_shop
from tests.support.carrier_standins import SeventeenTrackStandIn
from webapp import create_app

from .helpers import T0, parcel, ship
from .test_fallback import connect_17track, history, tick
from .test_fallback import frozen as frozen  # noqa: F401 - the fixture, shared

S10 = "RR123456785UA"  # a valid UPU S10 number (check digit 5)


@pytest.fixture
def track17(http_stub):
    return SeventeenTrackStandIn(http_stub)


def shop_with_17track(container, track17):
    new = add_shop(container, country="DE")  # nothing of its own recognises RR…UA mail
    connect_17track(container, new.shop.id, track17)
    return new


def carrier_statuses(container):
    with container.session() as s:
        return s.scalars(
            select(OrderEvent.status).where(OrderEvent.source == "carrier").order_by(OrderEvent.id)
        ).all()


@pytest.mark.parametrize("typed", ["RR 123 456 785 UA", "rr-123-456-785-ua", "RR.123.456.785.UA"])
def test_a_17track_push_finds_the_parcel_however_the_shop_typed_its_number(
    container, track17, frozen, typed
):
    shop = shop_with_17track(container, track17)
    ship(container, shop.shop.id, "1001", typed, carrier=None)
    tick(container, T0)  # followed, registered at 17TRACK under the clean number
    assert track17.registered == {S10} and track17.problems == []
    body, sign = track17.signed_push("TRACKING_UPDATED", S10, history(S10))
    client = create_app(container=container).test_client()
    r = client.post(
        f"/carriers/seventeentrack/{shop.shop.key}",
        data=body,
        headers={"Content-Type": "application/json", "sign": sign},
    )
    assert r.status_code == 200 and r.json["unknown"] == 0 and r.json["accepted"] >= 1
    assert parcel(container, typed).status == "in_transit"
    assert "in_transit" in carrier_statuses(container)


def test_a_polled_answer_in_the_carriers_spelling_reaches_the_parcel(container, frozen):
    shop = add_shop(container, country="UA", carriers=[{"carrier": "demo", "step_seconds": 3600}])
    typed = "wd 0000-000 042"
    ship(container, shop.shop.id, "1001", typed, carrier=None)
    tick(container, T0 + timedelta(hours=2))  # the demo carrier answers "WD0000000042"
    p = parcel(container, typed)
    assert (p.carrier, p.state, p.last_error) == ("demo", "active", None)
    assert p.status is not None and carrier_statuses(container)


def test_17track_answers_the_number_it_was_registered_under(container, track17, frozen):
    shop = shop_with_17track(container, track17)
    ship(container, shop.shop.id, "1001", "rr 123 456 785 ua", carrier=None)
    tick(container, T0)  # registered; 17TRACK has no history yet: not found for now
    track17.histories[S10] = history(S10)
    p = parcel(container, "rr 123 456 785 ua")
    tick(container, p.next_check_at)
    p = parcel(container, "rr 123 456 785 ua")
    assert (p.state, p.status, p.last_error) == ("active", "in_transit", None)
    assert track17.problems == []


def test_find_parcels_keys_its_answer_by_the_numbers_asked(container, track17, frozen):
    shop = shop_with_17track(container, track17)
    ship(container, shop.shop.id, "1001", "RR 123 456 785 UA", carrier=None)
    ship(container, shop.shop.id, "1002", "RR123456785UA", carrier=None)  # the same parcel twice
    tick(container, T0)
    with container.session() as s:
        found = find_parcels(s, shop.shop.id, ["rr123456785ua", S10, "", "  "])
        other_shop = find_parcels(s, shop.shop.id + 1, [S10])
    assert sorted(found) == ["RR123456785UA", "rr123456785ua"]
    assert len(found[S10]) == 2 and found[S10] == found["rr123456785ua"]
    assert other_shop == {}  # per-shop isolation
