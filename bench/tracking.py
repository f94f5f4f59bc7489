"""Tracking benchmark: following N parcels at Nova Poshta (a local stand-in of its API 2.0).

Set-up (not timed): a fresh database (PostgreSQL when reachable, else SQLite), one shop
with Nova Poshta connected, N orders shipped with 14-digit waybills (inserted directly),
a stand-in of `api.novaposhta.ua/v2.0/json/` in this process (tests/support/novaposhta.py:
it checks every request's documented shape), and an rq queue on Redis for the pipeline's
jobs (nothing drains it: this measures the follower, not the pipeline behind it).

Timed, for each N:
  news tick   every parcel has a new scan: discover, ask in batches of 100, turn each
              update into an event accepted by the pipeline, store the scans;
  quiet tick  the same parcels asked again with nothing new (the common case);
  baseline    the bare HTTP round trips the same polling needs: the same batches of
              100 documents POSTed to the same stand-in with `requests`, nothing else.
And, on the smallest N only, a simulated day of polling with parcels spread over the
states (in transit, at a branch, out for delivery, delivered) to count the carrier
requests per parcel per hour the adaptive intervals cost.

The rate limit's pacing (Nova Poshta: 2 requests/s per account) is left out of the timed
figures (a recording clock stands in for sleep); its cost is reported as the wall time a
tick would wait for: requests / rate.

    .venv/bin/python bench/tracking.py                   # 1,000 and 10,000 parcels
    .venv/bin/python bench/tracking.py --sizes 1000      # smoke run
    .venv/bin/python bench/tracking.py --sizes 1000,10000,100000
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from _common import REDIS_BASE, fresh_database, log, run_id, table  # noqa: E402

T0 = datetime(2026, 9, 14, 13, 0, tzinfo=UTC)
STATES = (("5", 0.6), ("7", 0.2), ("101", 0.1), ("9", 0.1))  # the simulated day's mix


class _Clock:
    def __init__(self) -> None:
        self.t, self.waited = 0.0, 0.0

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds
        self.waited += seconds


def _setup(url: str, redis_db: int, n: int) -> tuple[Any, Any, Any, list[str]]:
    from sqlalchemy import insert

    from core.bootstrap import Container, use
    from core.queue_rq import RqQueue
    from core.settings import Settings
    from core.storage.migrations import upgrade
    from core.storage.models import Order, Shipment, Shop
    from tests.conftest import TEST_SECRET
    from tests.support.http_stub import HttpStub
    from tests.support.novaposhta import API_KEY, NovaPoshtaStandIn

    upgrade(url)
    queue = RqQueue(f"{REDIS_BASE}/{redis_db}", f"bench-tracking-{run_id()}")
    c = Container(
        Settings(database_url=url, secret_key=TEST_SECRET, public_url="https://bench.example"),
        queue=queue,
    )
    use(c)
    stub = HttpStub().start()
    np = NovaPoshtaStandIn(stub)
    from core.services.shops import create_shop

    with c.session() as s:
        new = create_shop(
            s,
            c.box,
            name="Bench",
            platform="api",
            settings={"country": "UA", "carriers": [{"carrier": "novaposhta", "base_url": np.url}]},
        )
        s.commit()
        shop = s.get(Shop, new.shop.id)
        shop.secrets = c.box.seal(
            {**c.box.open(shop.secrets), "carriers": {"novaposhta": {"api_key": API_KEY}}}
        )
        s.commit()
        shop_id = new.shop.id
    numbers = [f"2045{i:010d}" for i in range(n)]
    with c.session() as s, s.begin():
        for start in range(0, n, 2000):
            chunk = numbers[start : start + 2000]
            ids = (
                s.execute(
                    insert(Order).returning(Order.id),
                    [
                        {
                            "shop_id": shop_id,
                            "external_id": f"o{start + i}",
                            "number": f"#{start + i}",
                            "items": [],
                            "status": "shipped",
                        }
                        for i in range(len(chunk))
                    ],
                )
                .scalars()
                .all()
            )
            s.execute(
                insert(Shipment),
                [
                    {
                        "shop_id": shop_id,
                        "order_id": oid,
                        "external_id": "p1",
                        "status": "shipped",
                        "status_at": T0 - timedelta(hours=3),
                        "carrier": "Nova Poshta",
                        "tracking_number": num,
                    }
                    for oid, num in zip(ids, chunk, strict=True)
                ],
            )
    return c, stub, np, numbers


def _tick(c: Any, at: datetime) -> tuple[Any, float, float]:
    from core.services.polling import poll_tick

    clock = _Clock()
    t = time.perf_counter()
    report = poll_tick(c, now=at, tick_seconds=10**9, clock=clock, sleep=clock.sleep)
    return report, time.perf_counter() - t, clock.waited


def _discover_all(c: Any) -> int:
    """Follow every shipment (a tick follows at most DISCOVER_BATCH new ones)."""
    from core.carriers.schedule import PollPolicy
    from core.services.following import discover

    total = 0
    while True:
        with c.session() as s:
            found = discover(c, s, T0, PollPolicy())
        total += found
        if not found:
            return total


def _baseline(np: Any, numbers: list[str]) -> float:
    import requests

    from tests.support.novaposhta import API_KEY

    http = requests.Session()
    t = time.perf_counter()
    for start in range(0, len(numbers), 100):
        docs = [{"DocumentNumber": n, "Phone": ""} for n in numbers[start : start + 100]]
        body = {
            "apiKey": API_KEY,
            "modelName": "TrackingDocument",
            "calledMethod": "getStatusDocuments",
            "methodProperties": {"Documents": docs},
        }
        r = http.post(np.url, json=body, timeout=30)
        r.raise_for_status()
        assert len(r.json()["data"]) == len(docs)
    return time.perf_counter() - t


def measure(n: int, force_sqlite: bool, redis_db: int, day: bool) -> dict[str, Any]:
    from tests.support.novaposhta import record

    with fresh_database("tracking", force_sqlite) as db:
        log(f"{n} parcels on {db.kind}: setting up")
        c, stub, np, numbers = _setup(db.url, redis_db, n)
        try:
            for num in numbers:
                np.records[num] = record(num, "5")
            t = time.perf_counter()
            found = _discover_all(c)
            log(f"  discovered {found} parcels in {time.perf_counter() - t:.1f}s")
            news, news_s, waited = _tick(c, T0)
            assert news.parcels == n and news.accepted == n, news
            log(f"  news tick: {news.requests} requests, {news_s:.1f}s")
            quiet, quiet_s, _ = _tick(c, T0 + timedelta(hours=6))
            assert quiet.parcels == n and quiet.accepted == 0, quiet
            log(f"  quiet tick: {quiet.requests} requests, {quiet_s:.1f}s")
            bare_s = _baseline(np, numbers)
            result = {
                "n": n,
                "db": db.kind,
                "requests": news.requests,
                "news_s": news_s,
                "quiet_s": quiet_s,
                "bare_s": bare_s,
                "paced_s": waited,
                "problems": len(np.problems),
            }
            if day:
                result["per_parcel_hour"] = _day(c, np, numbers)
            c.queue.queue.empty()
            return result
        finally:
            stub.stop()
            c.engine.dispose()


def _day(c: Any, np: Any, numbers: list[str]) -> tuple[float, float]:
    """Requests per parcel per hour over a simulated day, parcels spread over the states."""
    from tests.support.novaposhta import record

    at = T0 + timedelta(hours=7)
    k = 0
    for code, share in STATES:
        count = int(len(numbers) * share)
        for num in numbers[k : k + count]:
            np.records[num] = record(num, code, scan="14.09.2026 19:00:00")
        k += count
    before = len(np.tracking_calls())
    end = at + timedelta(hours=24)
    while at < end:
        _tick(c, at)
        at += timedelta(minutes=5)
    calls = np.tracking_calls()[before:]
    documents = sum(len(r.json()["methodProperties"]["Documents"]) for r in calls)
    log(f"  simulated day: {len(calls)} requests for {documents} parcel look-ups")
    return len(calls) / len(numbers) / 24, documents / len(numbers) / 24


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", default="1000,10000")
    p.add_argument("--sqlite", action="store_true", help="force SQLite")
    p.add_argument("--redis-db", type=int, default=12)
    args = p.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    rows = []
    for i, n in enumerate(sizes):
        r = measure(n, args.sqlite, args.redis_db, day=i == 0)
        rows.append(r)
    print()
    print(
        table(
            [
                "parcels",
                "db",
                "requests",
                "news tick s",
                "updates/s",
                "ms/parcel news",
                "ms/parcel quiet",
                "bare HTTP s",
                "ms/parcel bare",
                "pacing s",
            ],
            [
                [
                    r["n"],
                    r["db"],
                    r["requests"],
                    f"{r['news_s']:.1f}",
                    f"{r['n'] / r['news_s']:.0f}",
                    f"{1000 * r['news_s'] / r['n']:.2f}",
                    f"{1000 * r['quiet_s'] / r['n']:.2f}",
                    f"{r['bare_s']:.2f}",
                    f"{1000 * r['bare_s'] / r['n']:.3f}",
                    f"{r['paced_s']:.1f}",
                ]
                for r in rows
            ],
        )
    )
    if "per_parcel_hour" in rows[0]:
        requests_, lookups = rows[0]["per_parcel_hour"]
        print(f"\nsimulated day, {rows[0]['n']} parcels over the states {STATES}:")
        print(f"  carrier requests per parcel per hour: {requests_:.4f}")
        print(f"  parcel look-ups per parcel per hour:  {lookups:.3f}")
    if any(r["problems"] for r in rows):
        sys.exit("the stand-in saw requests off the documented shape")


if __name__ == "__main__":
    main()
