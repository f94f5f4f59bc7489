"""Ukrposhta through its StatusTracking API, against a stand-in of that API."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.carriers.base import CarrierAuthError, CarrierContext, Parcel, TransientCarrierError
from core.carriers.ukrposhta import UkrposhtaCarrier
from core.carriers.ukrposhta.statuses import EVENTS, status_of
from core.domain.statuses import Status
from tests.support.carrier_standins import UkrposhtaStandIn

KYIV = ZoneInfo("Europe/Kyiv")
DOMESTIC = "0500000000001"
INTERNATIONAL = "RR123456785UA"


def record(barcode: str, when: str, event: int, name: str, index: str = "01001", **extra):
    return {
        "barcode": barcode,
        "step": 1,
        "date": when,
        "index": index,
        "name": name,
        "event": event,
        "eventName": f"event {event}",
        "country": "Україна",
        "mailType": 17,
        "indexOrder": 1,
        **extra,
    }


def carrier_at(standin: UkrposhtaStandIn) -> UkrposhtaCarrier:
    config = {"bearer": standin.bearer, "base_url": standin.base_url}
    return UkrposhtaCarrier.from_config(config, CarrierContext(timeout=2))


def test_a_batch_of_barcodes_is_one_request_with_full_histories(http_stub):
    standin = UkrposhtaStandIn(
        http_stub,
        histories={
            DOMESTIC: [
                record(DOMESTIC, "2026-11-20T10:15:00", 10100, "Київ 1"),
                record(DOMESTIC, "2026-11-21T08:00:00", 20700, "Київ ОПЦ"),
                record(DOMESTIC, "2026-11-22T09:30:00", 21700, "Львів 12", index="79012"),
            ],
            INTERNATIONAL: [record(INTERNATIONAL, "2026-11-20T12:00:00", 41000, "Одеса 5")],
        },
    )
    updates = carrier_at(standin).track(
        [Parcel(DOMESTIC), Parcel("rr 123456785 ua"), Parcel("0500000000999")]
    )

    assert standin.problems == []
    (req,) = http_stub.requests
    assert req.json() == [DOMESTIC, INTERNATIONAL, "0500000000999"]
    waiting, delivered, unknown = updates
    assert waiting.status is Status.READY_FOR_PICKUP and not waiting.final
    assert [s.code for s in waiting.scans] == ["10100", "20700", "21700"]
    assert waiting.scans[-1].occurred_at == datetime(2026, 11, 22, 9, 30, tzinfo=KYIV)
    assert waiting.pickup_point is not None and waiting.pickup_point.name == "Львів 12"
    assert waiting.pickup_point.address == "79012 Львів 12"
    assert delivered.number == "rr 123456785 ua"  # as the shop gave it
    assert delivered.status is Status.DELIVERED and delivered.final
    assert unknown.found is False and unknown.scans == ()


def test_polling_the_same_history_twice_gives_the_same_scan_ids(http_stub):
    history = [record(DOMESTIC, "2026-11-20T10:15:00", 10100, "Київ 1")]
    standin = UkrposhtaStandIn(http_stub, histories={DOMESTIC: history})
    carrier = carrier_at(standin)
    first, second = carrier.track([Parcel(DOMESTIC)]), carrier.track([Parcel(DOMESTIC)])
    assert first[0].scans[0].scan_id == second[0].scans[0].scan_id


def test_a_parcel_handed_back_to_its_sender_is_returned_not_delivered(http_stub):
    history = [
        record(
            DOMESTIC,
            "2026-11-25T10:00:00",
            41000,
            "Київ 1",
            eventReason_id=10,
            eventReason="повернено відправнику",
        )
    ]
    standin = UkrposhtaStandIn(http_stub, histories={DOMESTIC: history})
    (update,) = carrier_at(standin).track([Parcel(DOMESTIC)])
    assert update.status is Status.RETURNED and update.final
    assert update.scans[0].reason == "returned_to_sender"
    assert "повернено відправнику" in update.scans[0].description


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_event_code_maps_through_the_api(http_stub, event):
    standin = UkrposhtaStandIn(
        http_stub, histories={DOMESTIC: [record(DOMESTIC, "2026-11-20T10:00:00", event, "Київ 1")]}
    )
    (update,) = carrier_at(standin).track([Parcel(DOMESTIC)])
    expected, reason = EVENTS[event]
    assert update.scans[0].status is expected and update.scans[0].reason == reason
    assert update.status is expected


def test_unknown_event_codes_are_no_news():
    assert status_of(99999) == (None, None)
    assert status_of(None) == (None, None)


@pytest.mark.parametrize("event", [2100, 2200, 2201, 3006, 4001, 4014, 4050, 4082])
def test_receptacle_scans_are_no_news_for_the_shopper(event):
    assert status_of(event) == (None, "container_scan")


def test_events_given_as_strings_and_histories_out_of_order_are_sorted_by_date(http_stub):
    history = [
        record(
            DOMESTIC, "2026-11-22T09:30:00", "21700", "Львів 12"
        ),  # the API sends some as strings
        record(DOMESTIC, "2026-11-20T10:15:00", 10100, "Київ 1"),
        record(DOMESTIC, "2026-11-21T08:00:00", "4020", "Київ ОПЦ"),
    ]
    standin = UkrposhtaStandIn(http_stub, histories={DOMESTIC: history})
    (update,) = carrier_at(standin).track([Parcel(DOMESTIC)])
    assert [s.code for s in update.scans] == ["10100", "4020", "21700"]
    assert update.status is Status.READY_FOR_PICKUP


def test_a_refused_bearer_is_an_auth_error_and_a_5xx_is_transient(http_stub):
    standin = UkrposhtaStandIn(http_stub)
    wrong = UkrposhtaCarrier("not-the-bearer", standin.base_url, timeout=2)
    with pytest.raises(CarrierAuthError):
        wrong.track([Parcel(DOMESTIC)])
    http_stub.route(
        "POST",
        "/status-tracking/0.0.1/statuses/with-not-found",
        responses=[(503, {"Retry-After": "30"}, "busy")],
    )
    with pytest.raises(TransientCarrierError) as caught:
        carrier_at(standin).track([Parcel(DOMESTIC)])
    assert caught.value.retry_after == 30.0


def test_a_carrier_that_does_not_answer_in_time_is_transient(http_stub):
    standin = UkrposhtaStandIn(http_stub)
    http_stub.route("POST", "/status-tracking/0.0.1/statuses/with-not-found", delay=2, status=200)
    slow = UkrposhtaCarrier(standin.bearer, standin.base_url, timeout=0.3)
    with pytest.raises(TransientCarrierError):
        slow.track([Parcel(DOMESTIC)])
