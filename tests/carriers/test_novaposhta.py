"""Nova Poshta: every documented StatusCode mapped, and the API against a stand-in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.carriers.base import CarrierAuthError, CarrierContext, Parcel, TransientCarrierError
from core.carriers.novaposhta import NovaPoshtaCarrier
from core.carriers.novaposhta.records import np_time, schedule_text, update_from_record
from core.carriers.novaposhta.statuses import STATUS_CODES
from core.domain.statuses import Status
from tests.support.novaposhta import API_KEY, STATUS_WORDS, NovaPoshtaStandIn, record

# every code of developers.novaposhta.ua's "Актуальні статуси трекінгу"
DOCUMENTED = set(STATUS_WORDS)
EXPECTED = {
    "1": None,
    "2": None,
    "4": Status.IN_TRANSIT,
    "41": Status.IN_TRANSIT,
    "5": Status.IN_TRANSIT,
    "6": Status.IN_TRANSIT,
    "7": Status.READY_FOR_PICKUP,
    "8": Status.READY_FOR_PICKUP,
    "9": Status.DELIVERED,
    "10": Status.DELIVERED,
    "11": Status.DELIVERED,
    "12": None,
    "101": Status.OUT_FOR_DELIVERY,
    "102": Status.EXCEPTION,
    "103": Status.EXCEPTION,
    "104": Status.IN_TRANSIT,
    "105": Status.EXCEPTION,
    "106": Status.DELIVERED,
    "111": Status.ATTEMPTED_DELIVERY,
    "112": None,
}
WAYBILL = "20450000000001"


def test_the_table_holds_every_documented_code_and_nothing_else():
    assert set(STATUS_CODES) == DOCUMENTED == set(EXPECTED) | {"3"}


@pytest.mark.parametrize("code", sorted(EXPECTED, key=int))
def test_each_status_code_becomes_its_canonical_status(code):
    update = update_from_record(record(WAYBILL, code))
    assert update.found and update.status == EXPECTED[code]
    (scan,) = update.scans
    assert scan.code == code and scan.description == STATUS_WORDS[code]
    assert scan.occurred_at == datetime(2026, 9, 14, 12, 24, 19, tzinfo=UTC)  # Kyiv is UTC+3
    assert update.final == (code in {"2", "9", "10", "11", "102", "103", "105", "106"})


def test_not_found_is_not_an_error():
    update = update_from_record(record(WAYBILL, "3"))
    assert not update.found and update.scans == ()


def test_reasons_name_refusal_address_and_date_changes_and_a_missed_delivery():
    reasons = {c: update_from_record(record(WAYBILL, c)).scans[0].reason for c in EXPECTED}
    assert reasons["102"] == reasons["103"] == "refused"
    assert reasons["104"] == "address_changed" and reasons["112"] == "date_changed"
    assert reasons["111"] == "recipient_absent" and reasons["105"] == "storage_ended"


def test_arrival_at_a_branch_carries_the_branch_its_hours_and_the_last_free_day():
    branch = {"Schedule": {"Monday": "08:00-20:00", "Sunday": "-"}, "ShortAddress": "x"}
    update = update_from_record(
        record(WAYBILL, "7", DatePayedKeeping="2026-09-20 00:00:00"), branch
    )
    point = update.pickup_point
    assert point is not None and point.kind == "branch"
    assert point.name.startswith("Відділення №12") and "Київ" in point.address
    assert point.deadline == date(2026, 9, 19)  # paid storage starts on the 20th
    assert point.hours.startswith("Mon 08:00-20:00") and point.hours.endswith("Sun closed")
    assert update.estimated_delivery == date(2026, 9, 16)  # ScheduledDeliveryDate
    locker = update_from_record(record(WAYBILL, "8", CategoryOfWarehouse="Postomat"))
    assert locker.pickup_point is not None and locker.pickup_point.kind == "locker"


def test_the_same_status_read_twice_is_the_same_scan_and_a_new_scan_is_another():
    a = update_from_record(record(WAYBILL, "5")).scans[0].scan_id
    b = update_from_record(record(WAYBILL, "5")).scans[0].scan_id
    c = update_from_record(record(WAYBILL, "6", scan="15.09.2026 08:00:00")).scans[0].scan_id
    assert a == b != c


def test_dates_come_in_every_format_nova_poshta_uses():
    for text in ("14-09-2026 15:24:19", "14.09.2026 15:24:19", "2026-09-14 15:24:19"):
        assert np_time(text) == datetime(2026, 9, 14, 12, 24, 19, tzinfo=UTC)
    assert np_time("15:24 14.09.2026") == datetime(2026, 9, 14, 12, 24, tzinfo=UTC)
    assert np_time("0001-01-01 00:00:00") is None and np_time("") is None


def test_a_week_is_written_in_runs_of_equal_days():
    from tests.support.novaposhta import SCHEDULE

    assert schedule_text(SCHEDULE) == "Mon–Fri 08:00-20:00, Sat 09:00-18:00, Sun closed"


@pytest.mark.parametrize(
    ("number", "likely"),
    [
        ("20450000000001", True),
        ("59000123456789", True),
        ("2045 0000 0000 01", True),
        ("1045000000000", False),  # 13 digits
        ("RR123456789UA", False),
        ("01507762098351", False),  # 14 digits, but not a Nova Poshta series
        ("1Z999AA10123456784", False),
    ],
)
def test_recognises_its_14_digit_waybills(number, likely):
    score = NovaPoshtaCarrier.recognise(number)
    assert (score >= 0.9) is likely and (score == 0) is (not likely)


@pytest.fixture
def np(http_stub):
    return NovaPoshtaStandIn(http_stub)


def carrier(np, key=API_KEY, timeout=5.0):
    return NovaPoshtaCarrier.from_config(
        {"api_key": key, "base_url": np.url}, CarrierContext(timeout=timeout)
    )


def test_track_asks_in_the_documented_shape_with_the_recipients_phone(np):
    np.records[WAYBILL] = record(WAYBILL, "7", DatePayedKeeping="20-09-2026 00:00:00")
    (update,) = carrier(np).track([Parcel(WAYBILL, phone="067 123 45 67")])
    assert np.problems == []
    (call,) = np.tracking_calls()
    assert call.json() == {
        "apiKey": API_KEY,
        "modelName": "TrackingDocument",
        "calledMethod": "getStatusDocuments",
        "methodProperties": {"Documents": [{"DocumentNumber": WAYBILL, "Phone": "380671234567"}]},
    }
    assert update.status == Status.READY_FOR_PICKUP
    assert update.pickup_point is not None
    assert update.pickup_point.hours == "Mon–Fri 08:00-20:00, Sat 09:00-18:00, Sun closed"
    assert update.pickup_point.deadline == date(2026, 9, 19)


def test_a_hundred_waybills_go_in_one_call_and_unknown_ones_are_not_found(np):
    numbers = [f"2045{i:010d}" for i in range(100)]
    for n in numbers[:60]:
        np.records[n] = record(n, "5")
    updates = carrier(np).track([Parcel(n) for n in numbers])
    assert len(np.tracking_calls()) == 1 and np.problems == []
    assert [u.found for u in updates] == [True] * 60 + [False] * 40
    assert NovaPoshtaCarrier.metadata.batch_size == 100


def test_every_code_through_the_api(np):
    numbers = {code: f"20{int(code):012d}" for code in STATUS_WORDS}
    for code, n in numbers.items():
        if code != "3":
            np.records[n] = record(n, code)
    updates = carrier(np).track([Parcel(n) for n in numbers.values()])
    got = {code: (u.found, u.status) for code, u in zip(numbers, updates, strict=True)}
    assert got["3"] == (False, None)
    assert all(got[c] == (True, EXPECTED[c]) for c in EXPECTED)
    assert np.problems == []


def test_a_refused_key_is_an_auth_error(np):
    with pytest.raises(CarrierAuthError, match="API key is invalid"):
        carrier(np, key="f" * 32).track([Parcel(WAYBILL)])


@pytest.mark.parametrize("failure", [500, 503, 429, "slow"])
def test_5xx_rate_limits_and_timeouts_are_transient(np, failure):
    np.failures.append(failure)
    with pytest.raises(TransientCarrierError):
        carrier(np, timeout=0.5).track([Parcel(WAYBILL)])
