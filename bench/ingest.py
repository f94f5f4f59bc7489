"""Ingest benchmark: events per second through `wismo serve`, against a bare Flask endpoint.

Both targets run under gunicorn with the same worker count and class, and get the
same load: T client threads (http.client), each POSTing distinct, realistic event API
bodies, W warm-up requests first, then N measured ones. Wismo runs with Redis, so
every accepted event is also enqueued to rq (no worker runs; the jobs just wait).

    .venv/bin/python bench/ingest.py            # 3000 requests per target
    .venv/bin/python bench/ingest.py --quick    # smoke run

Prints a table and the ratio wismo/bare; exits non-zero only on errors
(a non-202 answer, a missing stored event, a server that would not start).
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from _common import (  # noqa: E402
    BENCH,
    REDIS_BASE,
    VENV_BIN,
    Children,
    event_body,
    free_port,
    fresh_database,
    log,
    percentile,
    run_id,
    setup_shop,
    table,
    wait_http,
    wismo_env,
)

PATH = "/api/v1/orders/events"


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    statuses: Counter[int]
    errors: list[str]
    client_cpu: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def ms(self, p: float) -> float:
        return percentile(self.latencies, p) * 1000


def load(
    name: str, port: int, api_key: str, bodies: list[bytes], threads: int, timeout: float
) -> Result:
    """POST every body once, spread over `threads` connections; time the whole batch."""
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {api_key}",
        "User-Agent": "wismo-bench",
    }
    lock = threading.Lock()
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    errors: list[str] = []
    chunks = [bodies[i::threads] for i in range(threads)]
    deadline = time.monotonic() + timeout
    start_gate = threading.Barrier(threads + 1)

    def worker(chunk: list[bytes]) -> None:
        local_lat: list[float] = []
        local_st: Counter[int] = Counter()
        local_err: list[str] = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start_gate.wait()
        for body in chunk:
            if time.monotonic() > deadline:
                local_err.append("time limit reached")
                break
            t0 = time.perf_counter()
            try:
                conn.request("POST", PATH, body=body, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                local_st[resp.status] += 1
                if resp.status != 202 and len(local_err) < 5:
                    local_err.append(f"{resp.status}: {payload[:200]!r}")
            except (OSError, http.client.HTTPException) as exc:
                conn.close()  # reconnects on the next request
                local_st[0] += 1
                if len(local_err) < 5:
                    local_err.append(repr(exc))
            local_lat.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(local_lat)
            statuses.update(local_st)
            errors.extend(local_err)

    pool = [threading.Thread(target=worker, args=(c,), daemon=True) for c in chunks]
    for t in pool:
        t.start()
    cpu0 = time.process_time()
    start_gate.wait()
    t0 = time.perf_counter()
    for t in pool:
        t.join(max(1.0, deadline - time.monotonic() + 35))
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    latencies.sort()
    return Result(name, len(bodies), seconds, latencies, statuses, errors, cpu)


def bodies_for(run: str, start: int, count: int) -> list[bytes]:
    return [json.dumps(event_body(run, start + i)).encode() for i in range(count)]


def run_target(
    children: Children,
    name: str,
    argv: list[str],
    env: dict[str, str],
    port: int,
    api_key: str,
    run: str,
    args: argparse.Namespace,
) -> tuple[Result, int]:
    """Start a server, warm it up, measure it, stop it. Returns the result and events sent."""
    proc = children.start(name, argv, env)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", proc)
        warm = load(name, port, api_key, bodies_for(run, 0, args.warmup), args.threads, 120)
        if warm.errors:
            raise RuntimeError(f"{name} warm-up failed: {warm.errors[:3]}")
        bodies = bodies_for(run, args.warmup, args.requests)
        log(f"{name}: {args.requests} requests, {args.threads} threads")
        result = load(name, port, api_key, bodies, args.threads, args.time_limit)
        return result, args.warmup + args.requests
    except Exception:
        log(f"{name} log tail:\n{children.tail(name)}")
        raise
    finally:
        children.stop(proc)


def count_events(db_url: str) -> int:
    from sqlalchemy import func, select

    from core.storage.db import make_engine
    from core.storage.models import OrderEvent

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(OrderEvent)).scalar_one())
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 requests")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8, help="client threads (connections)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, both targets")
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even if PostgreSQL is up")
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database index to use")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per target")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.warmup = min(args.requests, 200), min(args.warmup, 30)

    from redis import Redis
    from rq import Queue

    redis_url = f"{REDIS_BASE}/{args.redis_db}"
    redis = Redis.from_url(redis_url, socket_timeout=5)
    queue = Queue("wismo", connection=redis)  # Settings.queue_name's default
    children = Children()
    failed: list[str] = []
    try:
        with fresh_database("ingest", force_sqlite=args.sqlite, keep=args.keep) as db:
            env = wismo_env(db, redis_url)
            shop = setup_shop(env)
            queue.empty()
            run = run_id()
            log(f"database: {db.kind}; redis: {redis_url}; logs: {children.logdir}")

            port = free_port()
            bind = f"127.0.0.1:{port}"
            bare, _ = run_target(
                children,
                "bare",
                [
                    sys.executable,
                    str(BENCH / "bare_app.py"),
                    "--bind",
                    bind,
                    "--workers",
                    str(args.workers),
                ],
                env,
                port,
                shop["api_key"],
                "bare" + run,
                args,
            )
            port = free_port()
            bind = f"127.0.0.1:{port}"
            wismo, sent = run_target(
                children,
                "wismo",
                [str(VENV_BIN / "wismo"), "serve", "--bind", bind, "--workers", str(args.workers)],
                env,
                port,
                shop["api_key"],
                run,
                args,
            )

            stored = count_events(db.url)
            enqueued = queue.count
            for r in (bare, wismo):
                if r.statuses != Counter({202: r.requests}):
                    failed.append(f"{r.name}: answers {dict(r.statuses)}; {r.errors[:3]}")
            if stored != sent:
                failed.append(f"wismo stored {stored} events, {sent} were sent")
            if enqueued != sent:
                failed.append(f"wismo enqueued {enqueued} process_event jobs, {sent} were sent")
            queue.empty()

            print()
            print(
                f"ingest: {args.requests} requests per target after {args.warmup} warm-up, "
                f"{args.threads} client threads, gunicorn --workers {args.workers} (sync), "
                f"database {db.kind}, Redis enqueue on"
            )
            print(
                table(
                    [
                        "target",
                        "requests",
                        "seconds",
                        "req/s",
                        "p50 ms",
                        "p95 ms",
                        "p99 ms",
                        "client cpu s",
                        "202s",
                    ],
                    [
                        [
                            r.name,
                            r.requests,
                            r.seconds,
                            r.rate,
                            r.ms(50),
                            r.ms(95),
                            r.ms(99),
                            r.client_cpu,
                            r.statuses.get(202, 0),
                        ]
                        for r in (bare, wismo)
                    ],
                )
            )
            ratio = wismo.rate / bare.rate if bare.rate else float("nan")
            print(f"\nratio wismo/bare: {ratio:.2f}x  (the issue aims at >= 0.6x)")
            print(f"stored events: {stored} of {sent} sent; process_event jobs queued: {enqueued}")
    except Exception as exc:  # noqa: BLE001
        failed.append(f"{exc.__class__.__name__}: {exc}")
    finally:
        code = children.finish(failed, args.keep, queue)
    return code


if __name__ == "__main__":
    sys.exit(main())
