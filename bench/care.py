"""Care benchmark: the care job over N open orders (10,000 and 100,000 by default).

Set-up (not timed): a fresh database (PostgreSQL when reachable, else SQLite), one shop,
N open orders in transit (inserted directly, each with one parcel and an estimated day in
the future) and their `care_watch` rows, of which a fixed DUE (5,000) are due now and the
rest later; the shop's discovery cursor is set, so the tick examines only what is due.

Timed, for each N:
  care tick   `care_tick`: take the due rows through `ix_care_watch_due`, load the orders
              and parcels, run the rules, write the next care time: orders examined/s and
              the cost per examined order (should be flat from 10k to 100k);
  baseline    the same run's bare read of the same DUE orders and their parcels by id
              (what any examination must at least cost), and a full scan of all N open
              orders with their parcels (what the job would cost without its due-time index).

    .venv/bin/python bench/care.py                    # 10,000 and 100,000 orders
    .venv/bin/python bench/care.py --sizes 10000      # smoke run
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from _common import REDIS_BASE, fresh_database, log, run_id, table  # noqa: E402

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DUE = 5_000


def _setup(url: str, redis_db: int, n: int) -> tuple[Any, int]:
    from sqlalchemy import insert

    from core.bootstrap import bootstrap
    from core.queue_rq import RqQueue
    from core.services.shops import create_shop
    from core.settings import Settings
    from core.storage.migrations import upgrade
    from core.storage.models import CareWatch, Order, Shipment, Shop
    from tests.conftest import TEST_SECRET

    upgrade(url)
    queue = RqQueue(f"{REDIS_BASE}/{redis_db}", f"bench-care-{run_id()}")
    c = bootstrap(
        Settings(database_url=url, secret_key=TEST_SECRET, public_url="https://bench.example"),
        queue=queue,
    )
    with c.session() as s:
        new = create_shop(s, c.box, name="Bench", platform="api", settings={"country": "UA"})
        s.commit()
        shop = s.get_one(Shop, new.shop.id)
        shop.state = {"care_cursor": T0.isoformat()}  # nothing to discover: only what is due
        s.commit()
        shop_id = shop.id
    with c.session() as s, s.begin():
        for start in range(0, n, 5000):
            count = min(5000, n - start)
            ids = (
                s.execute(
                    insert(Order).returning(Order.id),
                    [
                        {
                            "shop_id": shop_id,
                            "external_id": f"o{start + i}",
                            "number": f"#{start + i}",
                            "items": [],
                            "status": "in_transit",
                            "estimated_delivery": date(2026, 12, 20),
                            "created_at": T0 - timedelta(days=2),
                            "updated_at": T0 - timedelta(days=2),
                        }
                        for i in range(count)
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
                        "status": "in_transit",
                        "status_at": T0 - timedelta(days=1),
                        "carrier": "Nova Poshta",
                        "tracking_number": f"2045{oid:010d}",
                    }
                    for oid in ids
                ],
            )
            s.execute(
                insert(CareWatch),
                [
                    {
                        "shop_id": shop_id,
                        "order_id": oid,
                        # the first DUE orders are due now; the rest over the next 12 hours
                        "next_care_at": T0 - timedelta(minutes=1)
                        if start + i < DUE
                        else T0 + timedelta(seconds=1 + (start + i) % 43_000),
                    }
                    for i, oid in enumerate(ids)
                ],
            )
    return c, shop_id


def _bare(c: Any, shop_id: int) -> float:
    """Read the DUE orders (by their ids) and their parcels, nothing else."""
    from sqlalchemy import select

    from core.storage.models import Order

    t = time.perf_counter()
    with c.session() as s:
        for start in range(0, DUE, 500):
            ids = list(range(start + 1, start + 501))
            orders = s.scalars(select(Order).where(Order.id.in_(ids))).unique().all()
            assert len(orders) == 500 and all(o.shipments for o in orders)
    return time.perf_counter() - t


def _scan(c: Any, shop_id: int) -> float:
    """Read every open order of the shop with its parcels: the job without its index."""
    from sqlalchemy import select

    from core.storage.models import Order

    t = time.perf_counter()
    with c.session() as s:
        seen = 0
        for order in s.scalars(
            select(Order)
            .where(Order.shop_id == shop_id, Order.status == "in_transit")
            .execution_options(yield_per=1000)
        ):
            seen += len(order.shipments)
    return time.perf_counter() - t


def measure(n: int, force_sqlite: bool, redis_db: int) -> dict[str, Any]:
    from core.services.care import care_tick

    with fresh_database("care", force_sqlite) as db:
        log(f"{n} open orders on {db.kind}: setting up")
        c, shop_id = _setup(db.url, redis_db, n)
        try:
            t = time.perf_counter()
            report = care_tick(c.sessions, c.queue, now=T0, limit=10 * DUE)
            tick_s = time.perf_counter() - t
            assert report.examined == DUE and report.steps == 0, report
            log(f"  care tick: {report.examined} orders in {tick_s:.2f}s")
            again = care_tick(c.sessions, c.queue, now=T0)
            assert again.examined == 0, again  # each was moved to its next care time
            bare_s = _bare(c, shop_id)
            scan_s = _scan(c, shop_id)
            log(f"  bare read {bare_s:.2f}s, full scan {scan_s:.2f}s")
            return {"n": n, "db": db.kind, "tick_s": tick_s, "bare_s": bare_s, "scan_s": scan_s}
        finally:
            c.queue.queue.empty()
            c.engine.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--sqlite", action="store_true", help="force SQLite")
    p.add_argument("--redis-db", type=int, default=8)
    args = p.parse_args()
    rows = [measure(int(n), args.sqlite, args.redis_db) for n in args.sizes.split(",")]
    print()
    print(
        table(
            [
                "open orders",
                "db",
                "examined",
                "care tick s",
                "orders/s",
                "ms/order",
                "bare read ms/order",
                "ratio to bare",
                "full scan s",
            ],
            [
                (
                    r["n"],
                    r["db"],
                    DUE,
                    round(r["tick_s"], 2),
                    round(DUE / r["tick_s"]),
                    round(1000 * r["tick_s"] / DUE, 3),
                    round(1000 * r["bare_s"] / DUE, 3),
                    round(r["tick_s"] / r["bare_s"], 1),
                    round(r["scan_s"], 2),
                )
                for r in rows
            ],
        )
    )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(
            f"\ncost per examined order at {last['n']:,} vs {first['n']:,} open orders: "
            f"{last['tick_s'] / first['tick_s']:.2f}x (flat is 1.0); "
            f"a full scan: {last['scan_s'] / first['scan_s']:.1f}x"
        )


if __name__ == "__main__":
    main()
