"""FedEx, USPS, GLS, Australia Post, DPD and DHL Express through karrio, against stand-ins.

Each stand-in (tests/support/karrio_standins.py) checks the request karrio's extension
sends against the carrier's documented shape; every status of each extension's own table
(karrio.providers.<carrier>.units.TrackingStatus) is sent through it and must come out as
the canonical status our table (karrio_bridge/statuses.py) gives that karrio status.
"""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime, timedelta

import pytest

from core.carriers.base import CarrierAuthError, CarrierContext, Parcel
from core.carriers.karrio_bridge import (
    AustraliaPostCarrier,
    DhlExpressCarrier,
    DpdCarrier,
    FedexCarrier,
    GlsCarrier,
    UspsCarrier,
)
from core.carriers.karrio_bridge.api import karrio
from core.carriers.karrio_bridge.statuses import TRACKING_STATUS
from core.domain.statuses import Status
from tests.support.karrio_standins import (
    AustraliaPostStandIn,
    DhlExpressStandIn,
    DpdStandIn,
    FedexStandIn,
    GlsStandIn,
    UspsStandIn,
)


def table(carrier: str):
    """The karrio extension's own status table (its TrackingStatus enum)."""
    karrio()  # loads karrio quietly first
    return list(importlib.import_module(f"karrio.providers.{carrier}.units").TrackingStatus)


def canonical(karrio_status: str) -> Status | None:
    return TRACKING_STATUS[karrio_status][0]


def built(cls, standin, **config):
    return cls.from_config({**config, "server_url": standin.stub.url}, CarrierContext(timeout=5))


# --- FedEx -----------------------------------------------------------------------------------

FEDEX = "794644790138"


def fedex_at(standin: FedexStandIn, secret: str | None = None):
    return built(
        FedexCarrier,
        standin,
        track_api_key=standin.client_id,
        track_secret_key=secret or standin.client_secret,
    )


def test_fedex_parcels_are_tracked_in_one_request_after_the_token(http_stub):
    standin = FedexStandIn(
        http_stub,
        histories={
            FEDEX: [
                ("2026-11-22T10:15:00-06:00", "DL", "Delivered"),
                ("2026-11-21T06:00:00-06:00", "OD", "On FedEx vehicle for delivery"),
                ("2026-11-20T18:00:00-06:00", "PU", "Picked up"),
            ]
        },
    )
    found, missing = fedex_at(standin).track([Parcel(FEDEX), Parcel("794644790999")])

    assert standin.problems == []
    tracking = http_stub.requests_to("POST", "/track/v1/trackingnumbers")
    assert len(tracking) == 1  # both numbers in one request, as FedEx allows up to 30
    assert [
        i["trackingNumberInfo"]["trackingNumber"] for i in tracking[0].json()["trackingInfo"]
    ] == [
        FEDEX,
        "794644790999",
    ]
    assert found.status is Status.DELIVERED and found.final
    assert [s.status for s in found.scans] == [
        Status.IN_TRANSIT,
        Status.OUT_FOR_DELIVERY,
        Status.DELIVERED,
    ]
    assert found.scans[0].location == "MEMPHIS, TN, 38118, US"
    assert found.estimated_delivery == date(2026, 11, 24)
    assert missing.found is False


def test_every_fedex_status_maps_through_the_standin(http_stub):
    statuses = table("fedex")
    codes = [code for m in statuses for code in m.value if code != "DL"] + ["DL"]
    start = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    events = [
        ((start + timedelta(hours=i)).isoformat(), code, f"FedEx event {code}")
        for i, code in enumerate(codes)
    ]
    standin = FedexStandIn(http_stub, histories={FEDEX: list(reversed(events))})
    (update,) = fedex_at(standin).track([Parcel(FEDEX)])
    assert standin.problems == []
    assert {m.name for m in statuses if m.value} <= {  # every status FedEx can send, sent
        next(m for m in statuses if code in m.value).name for code in codes
    }
    assert {s.code: s.status for s in update.scans} == {
        code: canonical(next(m for m in statuses if code in m.value).name) for code in codes
    }


def test_fedex_refusing_the_client_is_an_auth_error(http_stub):
    standin = FedexStandIn(http_stub)
    with pytest.raises(CarrierAuthError):
        fedex_at(standin, secret="wrong").track([Parcel(FEDEX)])
    assert standin.problems == []
    assert http_stub.requests_to("POST", "/track/v1/trackingnumbers") == []


# --- USPS ------------------------------------------------------------------------------------

USPS = "9400111899223397910390"
USPS_WORDS = {  # USPS eventType wording for each status of karrio's USPS table
    "on_hold": "On Hold",
    "delivered": "Delivered, In/At Mailbox",
    "in_transit": "In Transit to Next Facility",
    "delivery_failed": "Delivery Failed",
    "delivery_delayed": "Delivery Delayed",
    "out_for_delivery": "Out for Delivery",
    "ready_for_pickup": "Ready for Pickup",
    "picked_up": "USPS picked up item",
}


def usps_at(standin: UspsStandIn, secret: str | None = None):
    return built(
        UspsCarrier,
        standin,
        client_id=standin.client_id,
        client_secret=secret or standin.client_secret,
    )


def test_usps_parcels_are_tracked_one_get_each_after_the_token(http_stub):
    standin = UspsStandIn(
        http_stub,
        histories={
            USPS: [
                ("2026-11-22T17:15:00Z", "Delivered, In/At Mailbox", "01"),
                ("2026-11-22T08:02:00Z", "Out for Delivery", "OF"),
                ("2026-11-20T15:30:00Z", "USPS picked up item", "03"),
            ]
        },
    )
    found, missing = usps_at(standin).track([Parcel(USPS), Parcel("9400111899223397910000")])

    assert standin.problems == []
    gets = [r for r in http_stub.requests if r.method == "GET"]
    assert sorted(r.path.rsplit("/", 1)[1] for r in gets) == sorted(
        [USPS, "9400111899223397910000"]
    )
    assert found.status is Status.DELIVERED and found.final
    assert [s.status for s in found.scans] == [
        Status.IN_TRANSIT,
        Status.OUT_FOR_DELIVERY,
        Status.DELIVERED,
    ]
    assert found.scans[-1].location == "SAN FRANCISCO, 94105, CA, US"
    assert found.estimated_delivery == date(2026, 11, 24)
    assert missing.found is False


def test_every_usps_status_maps_through_the_standin(http_stub):
    statuses = table("usps")
    assert set(USPS_WORDS) == {m.name for m in statuses}  # a new USPS status needs words here
    events = [
        (f"2026-11-{10 + i:02d}T10:00:00Z", USPS_WORDS[m.name], f"E{i}")
        for i, m in enumerate(statuses)
    ]
    standin = UspsStandIn(http_stub, histories={USPS: list(reversed(events))})
    (update,) = usps_at(standin).track([Parcel(USPS)])
    assert standin.problems == []
    assert {s.code: s.status for s in update.scans} == {
        f"E{i}": canonical(m.name) for i, m in enumerate(statuses)
    }


def test_usps_refusing_the_client_is_an_auth_error(http_stub):
    standin = UspsStandIn(http_stub)
    with pytest.raises(CarrierAuthError):
        usps_at(standin, secret="wrong").track([Parcel(USPS)])
    assert standin.problems == []


# --- GLS -------------------------------------------------------------------------------------

GLS = "123456789012"


def gls_at(standin: GlsStandIn, secret: str | None = None):
    return built(
        GlsCarrier,
        standin,
        client_id=standin.client_id,
        client_secret=secret or standin.client_secret,
    )


def test_gls_parcels_are_tracked_and_the_newest_scan_carries_the_parcels_status(http_stub):
    standin = GlsStandIn(
        http_stub,
        histories={
            GLS: (
                "INDELIVERY",
                [
                    ("2026-11-22T07:10:00+0100", "2.29", "The parcel is out for delivery."),
                    ("2026-11-21T22:00:00+0100", "2.106", "The parcel has reached the depot."),
                ],
            )
        },
    )
    found, missing = gls_at(standin).track([Parcel(GLS), Parcel("123456789099")])

    assert standin.problems == []
    (get,) = http_stub.requests_to(
        "GET", f"/track-and-trace-v1/tracking/simple/trackids/{GLS},123456789099"
    )
    assert get.headers["Accept"] == "application/json"
    # GLS's events carry no status of their own: the history is kept, the newest is the news
    assert [(s.code, s.status) for s in found.scans] == [
        ("2.106", None),
        ("2.29", Status.OUT_FOR_DELIVERY),
    ]
    assert found.status is Status.OUT_FOR_DELIVERY and not found.final
    assert found.scans[-1].location == "Neuenstein, 36286, DE"
    assert missing.found is False


@pytest.mark.parametrize("member", table("gls"), ids=lambda m: m.name)
def test_every_gls_status_maps_through_the_standin(http_stub, member):
    histories = {
        f"9000000000{i:02d}": (code, [("2026-11-22T07:10:00+0100", "9.9", code)])
        for i, code in enumerate(member.value)
    }
    standin = GlsStandIn(http_stub, histories=histories)
    updates = gls_at(standin).track([Parcel(n) for n in histories])
    assert standin.problems == []
    for update, code in zip(updates, member.value, strict=True):
        first = next(m for m in table("gls") if code in m.value)  # karrio takes the first
        assert update.status is canonical(first.name), code
        assert update.scans[-1].status is canonical(first.name)


def test_gls_refusing_the_client_is_an_auth_error(http_stub):
    standin = GlsStandIn(http_stub)
    with pytest.raises(CarrierAuthError):
        gls_at(standin, secret="wrong").track([Parcel(GLS)])
    assert standin.problems == []


# --- Australia Post --------------------------------------------------------------------------

AP = "33LKM000114501000935000"


def auspost_at(standin: AustraliaPostStandIn, password: str | None = None):
    return built(
        AustraliaPostCarrier,
        standin,
        api_key=standin.api_key,
        password=password or standin.password,
        account_number=standin.account_number,
    )


def test_australia_post_items_are_tracked_and_only_the_newest_event_is_news(http_stub):
    standin = AustraliaPostStandIn(
        http_stub,
        histories={
            AP: (
                "Delivered",
                [
                    ("2026-11-22T14:43:09+10:00", "Delivered"),
                    ("2026-11-22T06:55:00+10:00", "Onboard for delivery"),
                    ("2026-11-20T10:00:00+10:00", "Shipping information received"),
                ],
            )
        },
    )
    found, missing = auspost_at(standin).track([Parcel(AP), Parcel("33LKM000114501000999000")])

    assert standin.problems == []
    (get,) = http_stub.requests
    assert get.query == {"tracking_ids": [f"{AP},33LKM000114501000999000"]}
    assert get.headers["Account-Number"] == standin.account_number
    # karrio stamps the item's status on every event: the older ones are history only
    assert [s.status for s in found.scans] == [None, None, Status.DELIVERED]
    assert found.status is Status.DELIVERED and found.final
    assert found.scans[-1].location == "ALEXANDRIA NSW"
    assert missing.found is False


@pytest.mark.parametrize("member", table("australiapost"), ids=lambda m: m.name)
def test_every_australia_post_status_maps_through_the_standin(http_stub, member):
    histories = {
        f"33LKM0001145010009{i:02d}000": (words, [("2026-11-22T14:43:09+10:00", words)])
        for i, words in enumerate(member.value)
    }
    standin = AustraliaPostStandIn(http_stub, histories=histories)
    updates = auspost_at(standin).track([Parcel(n) for n in histories])
    assert standin.problems == []
    for update, words in zip(updates, member.value, strict=True):
        first = next(m for m in table("australiapost") if words in m.value)
        assert update.status is canonical(first.name), words
        assert update.scans[-1].status is canonical(first.name)


def test_australia_post_refusing_the_key_is_an_auth_error(http_stub):
    standin = AustraliaPostStandIn(http_stub)
    with pytest.raises(CarrierAuthError):
        auspost_at(standin, password="wrong").track([Parcel(AP)])
    assert standin.problems == []


# --- DPD -------------------------------------------------------------------------------------

DPD = "01905012345678"


def dpd_at(standin: DpdStandIn, password: str | None = None):
    return built(
        DpdCarrier, standin, delis_id=standin.delis_id, password=password or standin.password
    )


def test_dpd_parcels_are_tracked_over_soap_after_the_login(http_stub):
    standin = DpdStandIn(
        http_stub,
        histories={
            DPD: [
                ("11/20/2026 10:15:00 AM", "Accepted", "Parcel handed to DPD", "Leipzig (DE)"),
                ("11/21/2026 06:40:00 AM", "Courier", "Out for delivery", "Berlin (DE)"),
                ("11/21/2026 11:05:00 AM", "Delivered", "Delivered", "Berlin (DE)"),
            ]
        },
    )
    found, missing = dpd_at(standin).track([Parcel(DPD), Parcel("01905012349999")])

    assert standin.problems == []
    assert found.status is Status.DELIVERED and found.final
    assert [(s.code, s.status) for s in found.scans] == [
        ("Accepted", None),  # kept in the history; DPD's table gives it no status
        ("Courier", Status.OUT_FOR_DELIVERY),
        ("Delivered", Status.DELIVERED),
    ]
    assert found.scans[0].description == "Parcel handed to DPD."
    assert found.scans[-1].location == "Berlin (DE)"
    assert missing.found is False


def test_every_dpd_status_maps_through_the_standin(http_stub):
    statuses = table("dpd")
    codes = [code for m in statuses for code in m.value if code != "Delivered"] + ["Delivered"]
    events = [
        (f"11/{10 + i:02d}/2026 09:00:00 AM", code, code, "Leipzig (DE)")
        for i, code in enumerate(codes)
    ]
    standin = DpdStandIn(http_stub, histories={DPD: events})
    (update,) = dpd_at(standin).track([Parcel(DPD)])
    assert standin.problems == []
    assert {s.code: s.status for s in update.scans} == {
        code: canonical(next(m for m in statuses if code in m.value).name) for code in codes
    }


def test_dpd_refusing_the_login_is_an_auth_error(http_stub):
    standin = DpdStandIn(http_stub)
    with pytest.raises(CarrierAuthError):
        dpd_at(standin, password="wrong").track([Parcel(DPD)])
    assert standin.problems == []


# --- DHL Express (XML-PI) ----------------------------------------------------------------------

WAYBILL = "1234567891"  # the first nine digits mod 7 = 1


def dhl_express_at(standin: DhlExpressStandIn, password: str | None = None):
    return built(
        DhlExpressCarrier,
        standin,
        site_id=standin.site_id,
        password=password or standin.password,
    )


def test_dhl_express_waybills_are_tracked_in_one_xml_request(http_stub):
    standin = DhlExpressStandIn(
        http_stub,
        histories={
            WAYBILL: [
                ("2026-11-20", "10:15:00", "PU", "Shipment picked up"),
                ("2026-11-21", "07:30:00", "WC", "With delivery courier"),
                ("2026-11-21", "13:05:00", "OK", "Delivered"),
            ]
        },
    )
    found, missing = dhl_express_at(standin).track([Parcel(WAYBILL), Parcel("1234567902")])

    assert standin.problems == []
    (request,) = http_stub.requests
    assert request.body.count(b"<AWBNumber>") == 2  # both waybills in one request
    assert [(s.code, s.status) for s in found.scans] == [
        ("PU", Status.IN_TRANSIT),
        ("WC", Status.OUT_FOR_DELIVERY),
        ("OK", Status.DELIVERED),
    ]
    assert found.status is Status.DELIVERED and found.final
    assert found.scans[0].location == "LEIPZIG - GERMANY"
    assert found.estimated_delivery == date(2026, 11, 24)
    assert missing.found is False


def test_every_dhl_express_status_maps_through_the_standin(http_stub):
    statuses = table("dhl_express")
    codes = [code for m in statuses for code in m.value if code != "OK"] + ["OK"]
    start = datetime(2026, 11, 10, 8, 0)
    events = [
        ((at := start + timedelta(hours=i)).date().isoformat(), at.time().isoformat(), code, code)
        for i, code in enumerate(codes)
    ]
    standin = DhlExpressStandIn(http_stub, histories={WAYBILL: events})
    (update,) = dhl_express_at(standin).track([Parcel(WAYBILL)])
    assert standin.problems == []
    assert {s.code: s.status for s in update.scans} == {
        code: canonical(next(m for m in statuses if code in m.value).name) for code in codes
    }


def test_dhl_express_refusing_the_site_is_an_auth_error(http_stub):
    standin = DhlExpressStandIn(http_stub)
    with pytest.raises(CarrierAuthError):
        dhl_express_at(standin, password="wrong").track([Parcel(WAYBILL)])
    assert standin.problems == []
