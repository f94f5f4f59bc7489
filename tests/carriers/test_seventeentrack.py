"""17TRACK's tracking API v2.2 and its signed pushes, against a stand-in of that API."""

from __future__ import annotations

from datetime import date

import pytest

from core.adapters import InboundRequest
from core.carriers.base import (
    CarrierAuthError,
    CarrierContext,
    Parcel,
    ReceivesPushes,
    TransientCarrierError,
)
from core.carriers.seventeentrack import SeventeenTrackCarrier
from core.carriers.seventeentrack.statuses import MAIN, SUB, status_of
from core.domain.statuses import Status
from core.errors import InvalidSignature, MalformedPayload
from tests.support.carrier_standins import SeventeenTrackStandIn

NUMBER = "YT2209121266075563"


def track_info(*events: tuple[str, str, str], status: str = "InTransit", sub: str = ""):
    """A track_info as 17TRACK documents it; events are (time_utc, sub_status, words)."""
    return {
        "shipping_info": {
            "shipper_address": {"country": "CN"},
            "recipient_address": {"country": "UA"},
        },
        "latest_status": {"status": status, "sub_status": sub or f"{status}_Other"},
        "latest_event": None,
        "time_metrics": {
            "estimated_delivery_date": {
                "source": "17TRACK",
                "from": "2026-12-01T00:00:00Z",
                "to": "2026-12-04T00:00:00Z",
            }
        },
        "tracking": {
            "providers_hash": 1,
            "providers": [
                {
                    "provider": {"key": 190008, "name": "YunExpress", "country": "CN"},
                    "latest_sync_status": "Success",
                    "events": [
                        {
                            "time_iso": t.replace("Z", "+08:00"),
                            "time_utc": t,
                            "description": w,
                            "location": "Shenzhen",
                            "stage": s.split("_")[0],
                            "sub_status": s,
                        }
                        for t, s, w in reversed(events)  # 17TRACK lists the newest first
                    ],
                }
            ],
        },
    }


def carrier_at(standin: SeventeenTrackStandIn) -> SeventeenTrackCarrier:
    config = {"api_key": standin.api_key, "base_url": standin.base_url}
    return SeventeenTrackCarrier.from_config(config, CarrierContext(timeout=2))


def test_a_new_number_is_registered_then_polled(http_stub):
    info = track_info(
        ("2026-11-20T02:00:00Z", "InTransit_PickedUp", "Picked up"),
        ("2026-11-22T05:00:00Z", "InTransit_Departure", "Departed"),
    )
    standin = SeventeenTrackStandIn(http_stub, histories={NUMBER: info})
    carrier = carrier_at(standin)

    (first,) = carrier.track([Parcel(NUMBER, destination_country="UA")])
    assert first.found is False
    (second,) = carrier.track([Parcel(NUMBER)])

    assert standin.problems == []
    assert [r.path for r in http_stub.requests] == [
        "/track/v2.2/gettrackinfo",
        "/track/v2.2/register",
        "/track/v2.2/gettrackinfo",
    ]
    assert http_stub.requests[1].json() == [{"number": NUMBER, "auto_detection": True}]
    assert second.status is Status.IN_TRANSIT and not second.final
    assert [s.description for s in second.scans] == ["Picked up", "Departed"]
    assert second.scans[0].reason == "picked_up"
    assert second.estimated_delivery == date(2026, 12, 4)


def test_a_batch_of_forty_is_one_request(http_stub):
    wanted = [f"LX{i:09d}CN" for i in range(40)]
    standin = SeventeenTrackStandIn(
        http_stub,
        registered=set(wanted),
        histories={
            n: track_info(
                ("2026-11-20T02:00:00Z", "Delivered_Other", "Delivered"), status="Delivered"
            )
            for n in wanted
        },
    )
    updates = carrier_at(standin).track([Parcel(n) for n in wanted])
    assert len(http_stub.requests) == 1 and standin.problems == []
    assert all(u.status is Status.DELIVERED and u.final for u in updates)


def test_a_refused_key_is_an_auth_error_and_quota_is_transient(http_stub):
    standin = SeventeenTrackStandIn(http_stub)
    with pytest.raises(CarrierAuthError):
        SeventeenTrackCarrier("wrong", standin.base_url, 2).track([Parcel(NUMBER)])
    http_stub.route("POST", "/track/v2.2/gettrackinfo", json={"code": -18019908, "data": {}})
    with pytest.raises(TransientCarrierError) as caught:
        carrier_at(standin).track([Parcel(NUMBER)])
    assert caught.value.retry_after and caught.value.retry_after >= 3600


def test_a_signed_push_is_verified_and_parsed(http_stub):
    standin = SeventeenTrackStandIn(http_stub)
    carrier = carrier_at(standin)
    assert isinstance(carrier, ReceivesPushes)
    info = track_info(
        ("2026-11-25T09:00:00Z", "AvailableForPickup_Other", "Ready at the branch"),
        status="AvailableForPickup",
    )
    body, sign = standin.signed_push("TRACKING_UPDATED", NUMBER, info)
    request = InboundRequest(body=body, headers={"Sign": sign, "Content-Type": "application/json"})

    carrier.verify_push(request, {"api_key": standin.api_key})
    (update,) = carrier.parse_push(request)
    assert update.number == NUMBER and update.status is Status.READY_FOR_PICKUP


@pytest.mark.parametrize(
    "headers",
    [{}, {"sign": ""}, {"sign": "0" * 64}],
    ids=["no sign", "empty sign", "wrong sign"],
)
def test_pushes_without_the_right_sign_are_refused(http_stub, headers):
    standin = SeventeenTrackStandIn(http_stub)
    body, _ = standin.signed_push("TRACKING_UPDATED", NUMBER, track_info())
    with pytest.raises(InvalidSignature):
        carrier_at(standin).verify_push(InboundRequest(body, headers), {"api_key": "17-key"})


def test_a_push_signed_with_another_key_or_altered_is_refused(http_stub):
    standin = SeventeenTrackStandIn(http_stub)
    body, sign = standin.signed_push("TRACKING_UPDATED", NUMBER, track_info())
    carrier = carrier_at(standin)
    with pytest.raises(InvalidSignature):
        carrier.verify_push(InboundRequest(body, {"sign": sign}), {"api_key": "another-key"})
    with pytest.raises(InvalidSignature):
        carrier.verify_push(InboundRequest(body + b" ", {"sign": sign}), {"api_key": "17-key"})


def test_a_stopped_push_carries_no_update_and_junk_is_malformed(http_stub):
    standin = SeventeenTrackStandIn(http_stub)
    carrier = carrier_at(standin)
    body, _ = standin.signed_push("TRACKING_STOPPED", NUMBER)
    assert carrier.parse_push(InboundRequest(body)) == []
    for junk in (
        b"not json",
        b"[]",
        b'{"event": "TRACKING_UPDATED", "data": {"number": "X"}}',
        b'{"event": "SOMETHING", "data": {"number": "X"}}',
    ):
        with pytest.raises(MalformedPayload):
            carrier.parse_push(InboundRequest(junk))


@pytest.mark.parametrize("sub", sorted(SUB))
def test_every_sub_status_maps_through_a_push(http_stub, sub):
    standin = SeventeenTrackStandIn(http_stub)
    main = sub.split("_")[0]
    info = track_info(("2026-11-25T09:00:00Z", sub, "event"), status=main, sub=sub)
    body, sign = standin.signed_push("TRACKING_UPDATED", NUMBER, info)
    carrier = carrier_at(standin)
    carrier.verify_push(InboundRequest(body, {"sign": sign}), {"api_key": standin.api_key})
    (update,) = carrier.parse_push(InboundRequest(body))
    assert (update.scans[0].status, update.scans[0].reason) == SUB[sub]
    assert update.status is SUB[sub][0]


def test_main_statuses_stand_in_for_sub_statuses_this_table_does_not_know():
    for main, mapped in MAIN.items():
        assert status_of(main, f"{main}_SomethingNew") == mapped
    assert status_of(None, None) == (None, None)


def test_the_push_key_comes_from_the_shops_sealed_carrier_secrets(http_stub):
    standin = SeventeenTrackStandIn(http_stub)
    body, sign = standin.signed_push("TRACKING_UPDATED", NUMBER, track_info())
    built_with_another = SeventeenTrackCarrier("stale-key", standin.base_url, 2)
    sealed = {"carriers": {"seventeentrack": {"api_key": standin.api_key}}}
    built_with_another.verify_push(InboundRequest(body, {"sign": sign}), sealed)
    carrier = carrier_at(standin)  # built from the shop's config, which carries the key
    carrier.verify_push(InboundRequest(body, {"sign": sign}), {})
