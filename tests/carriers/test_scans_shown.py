"""What the shopper sees of a followed parcel: its scans on the tracking page's view model and
in the widget's JSON, newest first, in the shopper's zone, with our words in their language."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.services.scans import parcel_scans
from core.services.summary import milestones, order_summary
from core.services.tracking_view import tracking_view
from core.storage.models import Order, Shop
from tests.support.novaposhta import STATUS_WORDS, NovaPoshtaStandIn, record

from .helpers import T0, np_shop, ship
from .test_following import tick

N1 = "20450000000001"
KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture
def np(http_stub):
    return NovaPoshtaStandIn(http_stub)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def four_scans(c, np, frozen):
    """The stand-in moves the parcel from Lviv to the Kyiv branch over four polls."""
    shop = np_shop(c, np.url, timezone="Europe/Kyiv", locale="uk")
    ship(c, shop.shop.id, "1001", N1)
    steps = [
        ("5", "14.09.2026 15:24:19", T0),
        ("41", "14.09.2026 21:05:00", T0 + timedelta(hours=6)),
        ("6", "15.09.2026 03:40:00", T0 + timedelta(hours=12)),
        ("7", "15.09.2026 09:10:00", T0 + timedelta(hours=18)),
    ]
    for code, scan, at in steps:
        np.records[N1] = record(N1, code, scan=scan, DatePayedKeeping="21.09.2026 00:00:00")
        frozen.move_to(at)  # the clock runs on: a live app can serve the page after
        assert tick(c, at).requests == 1
    return shop


def view(c, locale, zone):
    with c.session() as s:
        order = s.scalars(select(Order).where(Order.external_id == "1001")).one()
        shop = s.get(Shop, order.shop_id)
        return tracking_view(
            shop, order, milestones(s, order), locale, zone, parcel_scans(s, order)
        )


def test_the_parcel_lists_its_scans_newest_first_in_the_shoppers_zone_and_words(
    container, np, frozen
):
    four_scans(container, np, frozen)
    v = view(container, "uk", KYIV)
    (p,) = v["parcels"]
    shown = p["scans"] + p["older_scans"]
    assert [sc["words"] for sc in shown] == [STATUS_WORDS[c] for c in ("7", "6", "41", "5")]
    # Kyiv is UTC+3 in September: the carrier's 09:10 Kyiv is shown as 09:10
    assert [sc["at"] for sc in shown] == [
        "15 вер., 09:10",
        "15 вер., 03:40",
        "14 вер., 21:05",
        "14 вер., 15:24",
    ]
    assert shown[0]["label"] == "Чекає у відділенні" and shown[-1]["label"] == "У дорозі"
    assert all(sc["place"] == "Київ" for sc in shown)
    # the latest three, the fourth folded under a plural in Ukrainian
    assert len(p["scans"]) == 3 and len(p["older_scans"]) == 1
    assert p["all_scans"] == "Усі 4 оновлення"
    assert p["pickup"]["keep_until"].startswith("20 вересня 2026")  # paid from the 21st


def test_another_zone_and_language_move_the_times_and_the_words(container, np, frozen):
    four_scans(container, np, frozen)
    v = view(container, "en", ZoneInfo("America/New_York"))
    latest = v["parcels"][0]["scans"][0]
    assert latest["at"].replace("\u202f", " ") == "Sep 15, 2:10 AM"  # 09:10 in Kyiv
    assert latest["words"] == STATUS_WORDS["7"]  # the carrier's own words stay as they are
    assert latest["label"] != "Чекає у відділенні"


def test_the_widget_json_carries_the_latest_three_scans(container, np, frozen):
    four_scans(container, np, frozen)
    with container.session() as s:
        order = s.scalars(select(Order).where(Order.external_id == "1001")).one()
        summary = order_summary(s, order, "uk", container.links)
    (p,) = summary["shipments"]
    assert [sc["words"] for sc in p["scans"]] == [STATUS_WORDS[c] for c in ("7", "6", "41")]
    latest = p["scans"][0]
    assert latest["at_text"] == "15 вер., 09:10" and latest["at"] == "2026-09-15T06:10:00+00:00"
    assert (latest["status"], latest["place"]) == ("ready_for_pickup", "Київ")
