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
    from core.bootstrap import bootstrap
    from core.queue_rq import RqQueue
    from core.settings import Settings
    from core.storage.migrations import upgrade
    from core.storage.models import Shop
    from tests.conftest import TEST_SECRET
    from tests.support.http_stub import HttpStub
    from tests.support.novaposhta import API_KEY, NovaPoshtaStandIn

    upgrade(url)
    queue = RqQueue(f"{REDIS_BASE}/{redis_db}", f"bench-tracking-{run_id()}")
    c = bootstrap(
        Settings(database_url=url, secret_key=TEST_SECRET, public_url="https://bench.example"),
        queue=queue,
    )
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
    if c.engine.dialect.name == "postgresql":
        _copy_shipped(c, shop_id, numbers)
    else:
        _insert_shipped(c, shop_id, numbers)
    return c, stub, np, numbers


def _insert_shipped(c: Any, shop_id: int, numbers: list[str]) -> None:
    """N shipped orders by multi-row INSERTs (SQLite)."""
    from sqlalchemy import insert

    from core.storage.models import Order, Shipment

    with c.session() as s, s.begin():
        for start in range(0, len(numbers), 2000):
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


def _copy_shipped(c: Any, shop_id: int, numbers: list[str]) -> None:
    """N shipped orders by COPY (PostgreSQL): 100,000 in seconds, on a fresh database."""
    at = T0 - timedelta(hours=3)
    raw = c.engine.raw_connection()
    try:
        cur = raw.cursor()
        columns = "id, shop_id, external_id, number, items, status, created_at, updated_at"
        with cur.copy(f"COPY orders ({columns}) FROM STDIN") as copy:
            for i in range(len(numbers)):
                copy.write_row((i + 1, shop_id, f"o{i}", f"#{i}", "[]", "shipped", at, at))
        columns = (
            "id, shop_id, order_id, external_id, status, status_at, carrier, tracking_number, "
            "created_at, updated_at"
        )
        with cur.copy(f"COPY shipments ({columns}) FROM STDIN") as copy:
            for i, num in enumerate(numbers):
                row = (i + 1, shop_id, i + 1, "p1", "shipped", at, "Nova Poshta", num, at, at)
                copy.write_row(row)
        for table_ in ("orders", "shipments"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table_}', 'id'), %s)", (len(numbers),)
            )
        cur.execute("ANALYZE orders")
        cur.execute("ANALYZE shipments")
        raw.commit()
    finally:
        raw.close()


def _tick(c: Any, at: datetime) -> tuple[Any, float, float]:
    from core.services.polling import poll_tick

    clock = _Clock()
    t = time.perf_counter()
    report = poll_tick(c, now=at, tick_seconds=10**9, clock=clock, sleep=clock.sleep)
    return report, time.perf_counter() - t, clock.waited


def _ticks(c: Any, at: datetime, n: int) -> tuple[dict[str, int], float, float]:
    """Ticks at `at` until every parcel was asked about (one tick takes DUE_BATCH of them)."""
    total = {"requests": 0, "parcels": 0, "accepted": 0, "ticks": 0, "problems": 0}
    seconds = waited = 0.0
    while total["parcels"] < n:
        report, took, paced = _tick(c, at)
        if not report.parcels:
            break  # nothing more is due: the assertion after the loop tells what went wrong
        for key in ("requests", "parcels", "accepted"):
            total[key] += getattr(report, key)
        total["ticks"] += 1
        total["problems"] += report.failed_batches
        seconds, waited = seconds + took, waited + paced
    return total, seconds, waited


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


def _set_aside(c: Any, keep: int) -> None:
    """All but the first `keep` followed parcels are made due only in a month (not timed)."""
    from sqlalchemy import select, update

    from core.storage.models import FollowedParcel

    with c.session() as s, s.begin():
        last = s.scalars(
            select(FollowedParcel.id).order_by(FollowedParcel.id).offset(keep - 1)
        ).first()
        s.execute(
            update(FollowedParcel)
            .where(FollowedParcel.id > last)
            .values(next_check_at=T0 + timedelta(days=30))
        )


def measure(
    n: int, force_sqlite: bool, redis_db: int, day: bool, sample: int | None = None
) -> dict[str, Any]:
    from tests.support.novaposhta import record

    with fresh_database("tracking", force_sqlite) as db:
        log(f"{n} parcels on {db.kind}: setting up")
        c, stub, np, numbers = _setup(db.url, redis_db, n)
        try:
            for num in numbers:
                np.records[num] = record(num, "5")
            t = time.perf_counter()
            found = _discover_all(c)
            discover_s = time.perf_counter() - t
            log(f"  discovered {found} parcels in {discover_s:.1f}s")
            asked = n
            if sample and n > sample:  # news and quiet ticks on a sample, all n followed
                _set_aside(c, sample)
                asked = sample
                log(f"  news and quiet ticks on the first {sample} of the {n} parcels")
            cpu = time.process_time()
            news, news_s, waited = _ticks(c, T0, asked)
            news_cpu = time.process_time() - cpu
            assert news["parcels"] == asked and news["accepted"] == asked, news
            log(f"  news: {news['requests']} requests in {news['ticks']} tick(s), {news_s:.1f}s")
            quiet, quiet_s, _ = _ticks(c, T0 + timedelta(hours=6), asked)
            assert quiet["parcels"] == asked and quiet["accepted"] == 0, quiet
            log(
                f"  quiet: {quiet['requests']} requests in {quiet['ticks']} tick(s), {quiet_s:.1f}s"
            )
            bare_s = _baseline(np, numbers[:asked])
            result = {
                "n": n,
                "asked": asked,
                "db": db.kind,
                "requests": news["requests"],
                "ticks": news["ticks"],
                "discover_s": discover_s,
                "news_s": news_s,
                "news_cpu": news_cpu,
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
    p.add_argument(
        "--sample",
        type=int,
        default=None,
        help="time the news and quiet ticks on this many of the parcels (all are followed)",
    )
    args = p.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    rows = []
    for i, n in enumerate(sizes):
        r = measure(n, args.sqlite, args.redis_db, day=i == 0, sample=args.sample)
        rows.append(r)
    print()
    print(
        table(
            [
                "parcels",
                "ticked",
                "db",
                "requests",
                "ticks",
                "ms/parcel discover",
                "news tick s",
                "updates/s",
                "ms/parcel news",
                "cpu ms/parcel news",
                "ms/parcel quiet",
                "bare HTTP s",
                "ms/parcel bare",
                "news / bare",
                "pacing s",
            ],
            [
                [
                    r["n"],
                    r["asked"],
                    r["db"],
                    r["requests"],
                    r["ticks"],
                    f"{1000 * r['discover_s'] / r['n']:.2f}",
                    f"{r['news_s']:.1f}",
                    f"{r['asked'] / r['news_s']:.0f}",
                    f"{1000 * r['news_s'] / r['asked']:.2f}",
                    f"{1000 * r['news_cpu'] / r['asked']:.2f}",
                    f"{1000 * r['quiet_s'] / r['asked']:.2f}",
                    f"{r['bare_s']:.2f}",
                    f"{1000 * r['bare_s'] / r['asked']:.3f}",
                    f"{r['news_s'] / r['bare_s']:.0f}×",
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
