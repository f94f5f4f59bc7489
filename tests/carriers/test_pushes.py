"""POST /carriers/<slug>/<shop_key>: signed pushes in, forged or unreadable ones out."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.storage.models import OrderEvent, Shop
from tests.conftest import add_shop
from webapp import create_app

from .helpers import SHIPPED, T0, parcel, ship

SECRET = "demo-push-secret"
NUMBER = "WD0000000042"


@pytest.fixture
def demo_shop(container):
    new = add_shop(container, country="UA", carriers=[{"carrier": "demo", "step_seconds": 3600}])
    with container.session() as s, s.begin():
        shop = s.get(Shop, new.shop.id)
        shop.secrets = container.box.seal(
            {**container.box.open(shop.secrets), "carriers": {"demo": {"push_secret": SECRET}}}
        )
    ship(container, new.shop.id, "1001", NUMBER, carrier="Demo Post")
    return new


def body(*scans):
    return json.dumps({"number": NUMBER, "scans": list(scans)}).encode()


def scan(i, code, at):
    return {"id": f"s{i}", "at": at, "code": code, "description": code, "location": "Kyiv"}


def post(client, shop, raw, secret=SECRET):
    sig = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(
        f"/carriers/demo/{shop.shop.key}",
        data=raw,
        headers={"Content-Type": "application/json", "X-Demo-Signature": sig},
    )


def test_a_signed_push_moves_the_parcel_once_however_often_it_comes(
    container, demo_shop, time_machine
):
    time_machine.move_to(T0, tick=False)
    client = create_app(container=container).test_client()
    raw = body(
        scan(1, "transit", "2026-09-14T12:00:00Z"), scan(2, "branch", "2026-09-14T12:30:00Z")
    )
    r = post(client, demo_shop, raw)
    assert r.status_code == 200 and r.json == {"accepted": 2, "duplicates": 0, "unknown": 0}
    again = post(client, demo_shop, raw)
    assert again.status_code == 200 and again.json["accepted"] == 0
    with container.session() as s:
        statuses = s.scalars(
            select(OrderEvent.status).where(OrderEvent.source == "carrier").order_by(OrderEvent.id)
        ).all()
    assert statuses == ["in_transit", "ready_for_pickup"]
    followed = parcel(container, NUMBER)
    assert followed.status == "ready_for_pickup"
    assert followed.next_check_at == T0 + timedelta(hours=4)  # pushes: polled 4 × less often
    assert SHIPPED < T0


def test_forged_malformed_and_unknown_pushes(container, demo_shop):
    client = create_app(container=container).test_client()
    raw = body(scan(1, "transit", "2026-09-14T12:00:00Z"))
    assert post(client, demo_shop, raw, secret="guess").status_code == 401
    bad = post(client, demo_shop, b'{"number": "WD0000000042", "scans": []}')
    assert bad.status_code == 400 and bad.json["errors"] == {
        "scans": "a non-empty list is required"
    }
    odd = post(client, demo_shop, body({"id": "x", "at": "yesterday", "code": "transit"}))
    assert odd.status_code == 400 and "scans[0]" in odd.json["errors"]
    assert post(client, demo_shop, b"{not json").status_code == 400
    r = client.post("/carriers/demo/nosuchshop", data=raw)
    assert r.status_code == 404
    r = client.post(f"/carriers/novaposhta/{demo_shop.shop.key}", data=raw)
    assert r.status_code == 404  # Nova Poshta does not push
