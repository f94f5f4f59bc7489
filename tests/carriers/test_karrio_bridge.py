"""International carriers through karrio, against stand-ins of DHL's and UPS's APIs.

The requests are the ones karrio's own extensions send; the stand-ins check them
against the carriers' documented shapes, so a karrio upgrade that changes them fails here.
"""

from __future__ import annotations

from datetime import date

import pytest

from core.carriers.base import CarrierAuthError, CarrierContext, Parcel, TransientCarrierError
from core.carriers.karrio_bridge import CanadaPostCarrier, DhlUniversalCarrier, UpsCarrier
from core.carriers.karrio_bridge.statuses import TRACKING_STATUS
from core.domain.statuses import Status
from tests.support.carrier_standins import CanadaPostStandIn, DhlStandIn, UpsStandIn

DHL_NUMBER = "JJD000390007777777777"
UPS_NUMBER = "1Z999AA10123456784"


def dhl_shipment(number: str, *events: tuple[str, str, str], status: str = "transit"):
    return {
        "id": number,
        "service": "parcel-de",
        "status": {"timestamp": events[0][0], "statusCode": status, "status": status},
        "estimatedTimeOfDelivery": "2026-11-24T12:00:00",
        "events": [
            {
                "timestamp": t,
                "statusCode": code,
                "status": code,
                "description": words,
                "location": {"address": {"addressLocality": "Leipzig"}},
            }
            for t, code, words in events  # newest first, as DHL lists them
        ],
    }


def ups_package(number: str, *activity: tuple[str, str, str, str]):
    return {
        "trackingNumber": number,
        "deliveryDate": [{"type": "DEL", "date": "20261124"}],
        "activity": [
            {
                "location": {
                    "address": {"city": "Louisville", "stateProvince": "KY", "country": "US"}
                },
                "status": {"type": kind, "description": words, "code": code},
                "date": day,
                "time": "101500",
            }
            for day, kind, code, words in activity  # newest first, as UPS lists them
        ],
    }


def dhl_at(standin: DhlStandIn) -> DhlUniversalCarrier:
    config = {
        "consumer_key": standin.api_key,
        "consumer_secret": "secret",
        "server_url": standin.stub.url,
    }
    return DhlUniversalCarrier.from_config(config, CarrierContext(timeout=2))


def ups_at(standin: UpsStandIn) -> UpsCarrier:
    config = {
        "client_id": standin.client_id,
        "client_secret": standin.client_secret,
        "server_url": standin.stub.url,
    }
    return UpsCarrier.from_config(config, CarrierContext(timeout=2))


def test_dhl_parcels_are_tracked_through_karrio(http_stub):
    standin = DhlStandIn(
        http_stub,
        histories={
            DHL_NUMBER: dhl_shipment(
                DHL_NUMBER,
                ("2026-11-22T10:00:00", "delivered", "Delivered to the recipient"),
                ("2026-11-21T07:00:00", "transit", "Arrived at the delivery base"),
                status="delivered",
            )
        },
    )
    found, missing = dhl_at(standin).track([Parcel(DHL_NUMBER), Parcel("JJD000390009999999999")])

    assert standin.problems == []
    # karrio asks for each number in its own request, side by side
    assert sorted(r.query["trackingNumber"][0] for r in http_stub.requests) == [
        DHL_NUMBER,
        "JJD000390009999999999",
    ]
    assert all(r.query["language"] == ["en"] for r in http_stub.requests)
    assert found.status is Status.DELIVERED and found.final
    assert [s.status for s in found.scans] == [Status.IN_TRANSIT, Status.DELIVERED]
    assert found.scans[0].location == "Leipzig"
    assert found.estimated_delivery == date(2026, 11, 24)
    assert missing.found is False


def test_ups_parcels_are_tracked_after_the_oauth_token(http_stub):
    standin = UpsStandIn(
        http_stub,
        histories={
            UPS_NUMBER: ups_package(
                UPS_NUMBER,
                ("20261122", "D", "KB", "DELIVERED"),
                ("20261121", "I", "DP", "Departed from Facility"),
            )
        },
    )
    (update,) = ups_at(standin).track([Parcel(UPS_NUMBER)])

    assert standin.problems == []
    token, details = http_stub.requests
    assert (token.method, token.path) == ("POST", "/security/v1/oauth/token")
    assert (details.method, details.path) == ("GET", f"/api/track/v1/details/{UPS_NUMBER}")
    assert details.query == {"locale": ["en_US"], "returnSignature": ["true"]}
    assert update.status is Status.DELIVERED and update.final
    assert [(s.description, s.status) for s in update.scans] == [
        ("Departed from Facility", Status.IN_TRANSIT),
        ("DELIVERED", Status.DELIVERED),
    ]
    assert update.estimated_delivery == date(2026, 11, 24)


def test_a_number_ups_does_not_know_is_not_found(http_stub):
    standin = UpsStandIn(http_stub)
    (update,) = ups_at(standin).track([Parcel(UPS_NUMBER)])
    assert update.found is False and standin.problems == []


def test_refused_credentials_are_an_auth_error(http_stub):
    dhl = DhlStandIn(http_stub)
    wrong_dhl = DhlUniversalCarrier.from_config(
        {"consumer_key": "wrong", "consumer_secret": "s", "server_url": http_stub.url},
        CarrierContext(),
    )
    with pytest.raises(CarrierAuthError):
        wrong_dhl.track([Parcel(DHL_NUMBER)])
    assert dhl.problems == []


def test_a_carrier_in_trouble_is_transient(http_stub):
    standin = DhlStandIn(http_stub)
    http_stub.route("GET", "/track/shipments", status=503, body="<html>Service Unavailable</html>")
    with pytest.raises(TransientCarrierError):
        dhl_at(standin).track([Parcel(DHL_NUMBER)])


def test_an_unreachable_carrier_is_transient():
    carrier = DhlUniversalCarrier.from_config(
        {"consumer_key": "k", "consumer_secret": "s", "server_url": "http://127.0.0.1:9"},
        CarrierContext(),
    )
    with pytest.raises(TransientCarrierError):
        carrier.track([Parcel(DHL_NUMBER)])


def test_every_karrio_status_name_has_a_meaning():
    import core.carriers.karrio_bridge.api as bridge

    units = bridge.karrio()  # noqa: F841 - loads karrio's unified TrackingStatus
    from karrio.core.units import TrackingStatus

    assert {s.name for s in TrackingStatus} == set(TRACKING_STATUS)


def test_a_carrier_that_does_not_answer_in_time_is_transient(http_stub):
    DhlStandIn(http_stub)
    http_stub.route("GET", "/track/shipments", delay=5, status=200)
    slow = DhlUniversalCarrier.from_config(
        {"consumer_key": "dhl-key", "consumer_secret": "s", "server_url": http_stub.url},
        CarrierContext(timeout=0.2),
    )
    with pytest.raises(TransientCarrierError, match="did not answer"):
        slow.track([Parcel(DHL_NUMBER)])


CP_PIN = "1371134583769923"


def canadapost_at(standin: CanadaPostStandIn, password: str | None = None) -> CanadaPostCarrier:
    config = {
        "username": standin.username,
        "password": password or standin.password,
        "server_url": standin.stub.url,
    }
    return CanadaPostCarrier.from_config(config, CarrierContext(timeout=2))


def test_canada_post_parcels_are_tracked_through_karrio_over_xml(http_stub):
    standin = CanadaPostStandIn(
        http_stub,
        histories={
            CP_PIN: [
                ("1496", "2026-11-22", "14:05:00", "Item successfully delivered", "OTTAWA"),
                ("100", "2026-11-20", "09:30:00", "Item picked up by Canada Post", "TORONTO"),
            ]
        },
    )
    found, missing = canadapost_at(standin).track([Parcel(CP_PIN), Parcel("1371134583769999")])

    assert standin.problems == []
    assert found.status is Status.DELIVERED and found.final
    assert [(s.code, s.status) for s in found.scans] == [
        ("100", Status.IN_TRANSIT),
        ("1496", Status.DELIVERED),
    ]
    assert found.scans[-1].location == "OTTAWA, ON"
    assert found.estimated_delivery == date(2026, 11, 24)
    assert missing.found is False


def test_canada_post_refusing_the_login_is_an_auth_error(http_stub):
    standin = CanadaPostStandIn(http_stub)
    with pytest.raises(CarrierAuthError):
        canadapost_at(standin, password="wrong").track([Parcel(CP_PIN)])


def test_karrios_record_is_kept_for_support(http_stub):
    standin = UpsStandIn(
        http_stub,
        histories={UPS_NUMBER: ups_package(UPS_NUMBER, ("20261121", "I", "DP", "Departed"))},
    )
    (update,) = ups_at(standin).track([Parcel(UPS_NUMBER)])
    assert update.raw["tracking_number"] == UPS_NUMBER
    assert update.raw["carrier_name"] == "ups"


def test_ups_refusing_the_oauth_client_is_an_auth_error(http_stub):
    standin = UpsStandIn(http_stub)
    wrong = UpsCarrier.from_config(
        {"client_id": standin.client_id, "client_secret": "wrong", "server_url": http_stub.url},
        CarrierContext(timeout=2),
    )
    with pytest.raises(CarrierAuthError):
        wrong.track([Parcel(UPS_NUMBER)])
    assert [r.path for r in http_stub.requests] == ["/security/v1/oauth/token"]


def test_loading_karrio_is_quiet_and_leaves_logging_and_warnings_alone():
    import subprocess
    import sys

    script = (
        "import logging, warnings\n"
        "warnings.simplefilter('error')\n"
        "from core.carriers.karrio_bridge.api import karrio\n"
        "handlers, filters = list(logging.getLogger().handlers), list(warnings.filters)\n"
        "karrio()\n"
        "assert logging.getLogger().handlers == handlers\n"
        "assert warnings.filters == filters\n"
        "print('loaded')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "loaded\n", "")
