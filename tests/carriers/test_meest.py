"""Meest Express through its openAPI v3.0, against a stand-in of that API."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.carriers.base import CarrierAuthError, CarrierContext, Parcel
from core.carriers.meest import MeestCarrier
from core.carriers.meest.statuses import CODES, status_of
from core.domain.statuses import Status
from tests.support.carrier_standins import MeestStandIn

NUMBER = "MYCV000123456"


def event(when: str, code: str, ua: str, en: str = "", city: str = "Львів", detail: str = ""):
    return {
        "parcelNumber": NUMBER,
        "eventDateTime": when,
        "eventCode": code,
        "eventDescr": {"descrUA": ua, "descrRU": ua, "descrEN": en},
        "eventCityDescr": {"descrUA": city, "descrRU": city, "descrEN": city},
        "eventCountryDescr": {"descrUA": "Україна", "descrRU": "Украина", "descrEN": "Ukraine"},
        "eventDetailDescr": {"descrUA": detail, "descrRU": detail, "descrEN": detail},
    }


def carrier_at(standin: MeestStandIn) -> MeestCarrier:
    config = {
        "username": standin.username,
        "password": standin.password,
        "base_url": standin.base_url,
    }
    return MeestCarrier.from_config(config, CarrierContext(timeout=2))


def test_logs_in_once_then_tracks_each_number_with_the_token(http_stub):
    standin = MeestStandIn(
        http_stub,
        histories={
            NUMBER: [
                event("2026-11-20 10:00:00", "606", "Прийнято до перевезення", "Accepted"),
                event("2026-11-21T08:00:00", "8081", "Прямує до отримувача", "On the way"),
                event("2026-11-22T11:00:00", "1622", "Доручено", "Delivered", detail="особисто"),
            ]
        },
    )
    carrier = carrier_at(standin)
    updates = carrier.track([Parcel(NUMBER)]) + carrier.track([Parcel("MYCV000000000")])

    assert standin.problems == []
    paths = [(r.method, r.path) for r in http_stub.requests]
    assert paths == [
        ("POST", "/v3.0/openAPI/auth"),
        ("GET", f"/v3.0/openAPI/tracking/{NUMBER}"),
        ("GET", "/v3.0/openAPI/tracking/MYCV000000000"),
    ]
    assert http_stub.requests[1].headers["token"] == "token-1"
    delivered, unknown = updates
    assert delivered.status is Status.DELIVERED and delivered.final
    assert [s.status for s in delivered.scans] == [
        Status.SHIPPED,
        Status.IN_TRANSIT,
        Status.DELIVERED,
    ]
    assert delivered.scans[0].occurred_at == datetime(
        2026, 11, 20, 10, tzinfo=ZoneInfo("Europe/Kyiv")
    )
    assert delivered.scans[-1].description == "Доручено. особисто"
    assert delivered.scans[-1].location == "Львів, Україна"
    assert unknown.found is False


def test_an_expired_token_is_renewed_once(http_stub):
    standin = MeestStandIn(
        http_stub,
        histories={NUMBER: [event("2026-11-20T10:00:00", "606", "Прийнято до перевезення")]},
    )
    carrier = carrier_at(standin)
    carrier.track([Parcel(NUMBER)])
    standin.expired.add("token-1")
    (update,) = carrier.track([Parcel(NUMBER)])
    assert update.status is Status.SHIPPED
    assert standin.tokens_issued == 2


def test_a_wrong_login_is_an_auth_error(http_stub):
    standin = MeestStandIn(http_stub)
    carrier = MeestCarrier("shop-login", "wrong", standin.base_url, timeout=2)
    with pytest.raises(CarrierAuthError):
        carrier.track([Parcel(NUMBER)])


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_known_event_code_maps_through_the_api(http_stub, code):
    standin = MeestStandIn(
        http_stub, histories={NUMBER: [event("2026-11-20T10:00:00", code, "подія")]}
    )
    (update,) = carrier_at(standin).track([Parcel(NUMBER)])
    assert (update.scans[0].status, update.scans[0].reason) == CODES[code]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Посилка повернена відправнику", Status.RETURNED),
        ("Відмова отримувача", Status.EXCEPTION),
        ("Доставляє кур'єр", Status.OUT_FOR_DELIVERY),
        ("Надійшло у відділення, очікує отримувача", Status.READY_FOR_PICKUP),
        ("Невдала спроба доставки", Status.ATTEMPTED_DELIVERY),
        ("Посилка залишила сортувальний центр", Status.IN_TRANSIT),
        ("Arrived at the branch", Status.READY_FOR_PICKUP),
        ("Посилка прибула на сортувальний центр", Status.IN_TRANSIT),
        ("Переміщення посилки між сортувальними центрами", Status.IN_TRANSIT),
        ("Посилка поступила на поштомат", Status.READY_FOR_PICKUP),
        ("Видано кур`єру", Status.OUT_FOR_DELIVERY),
        ("щось нове", None),
    ],
)
def test_unknown_codes_fall_back_on_meests_words(words, expected):
    assert status_of("99999", words)[0] is expected
