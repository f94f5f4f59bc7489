"""Dispatch benchmark: messages per second through rq workers to SMTP, against no-op jobs.

Set-up (not timed as dispatch): a fresh database, one shop, M orders each with a
`placed` event, accepted and processed in this process (core.services.pipeline), so M
email notifications are due. Then, timed:

  baseline  M no-op jobs (bench/noop_job.py) enqueued like `deliver`, drained by
            N plain `rq worker --burst` processes (JSON serializer, with scheduler);
  wismo     M `core.jobs.deliver` jobs, drained by N `wismo worker --burst`
            processes sending to an SMTP sink (aiosmtpd) in this process, until the
            database shows all M notifications `sent`.

    .venv/bin/python bench/dispatch.py            # 500 messages, 2 workers
    .venv/bin/python bench/dispatch.py --quick    # smoke run

Two rates per target: "drain" is M over the time from the first job's start to the
last job's end (rq's own timestamps: worker start-up excluded); "wall" is M over the
time from spawning the workers until the work was seen done (start-up included).
Exits non-zero only on errors (a message not sent, a duplicate or missing email).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from pathlib import Path
from typing import Any

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
    run_id,
    setup_shop,
    table,
    wismo_env,
)

QUEUE = "wismo"  # Settings.queue_name's default; `wismo worker` listens on it


class Sink:
    """An SMTP server in this process that keeps every envelope it is given."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.lock = threading.Lock()
        self.mails: list[tuple[list[str], str]] = []  # (rcpt_tos, Message-ID)
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = message_from_bytes(envelope.content)
        with self.lock:
            self.mails.append((list(envelope.rcpt_tos), str(msg.get("Message-ID", ""))))
        return "250 OK"

    def __enter__(self) -> Sink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def count(self) -> int:
        with self.lock:
            return len(self.mails)


@dataclass
class Run:
    name: str
    messages: int
    drain_s: float  # first job started -> last job ended
    wall_s: float  # workers spawned -> all done
    ok: int

    @property
    def drain_rate(self) -> float:
        return self.messages / self.drain_s if self.drain_s > 0 else float("nan")

    @property
    def wall_rate(self) -> float:
        return self.messages / self.wall_s if self.wall_s > 0 else float("nan")


def prepare_notifications(
    env: dict[str, str], shop_id: int, m: int, run: str
) -> tuple[list[int], float]:
    """Accept and process M `placed` events in-process; the due notification ids, and seconds."""
    from adapters.api import parse_event
    from core.bootstrap import bootstrap
    from core.services.pipeline import accept_event, process_event
    from core.settings import Settings

    c = bootstrap(Settings.from_env(env, redis_url=None))
    ids: list[int] = []
    t0 = time.perf_counter()
    try:
        for n in range(m):
            event = parse_event(event_body(run, n))
            with c.session() as s:
                accepted = accept_event(s, shop_id, event)
            with c.session() as s:
                ids.extend(process_event(s, accepted.event_id).notification_ids)
    finally:
        c.engine.dispose()
    return ids, time.perf_counter() - t0


def job_window(redis: Any, job_ids: list[str]) -> tuple[float, Counter[str]]:
    """Seconds from the first job's start to the last job's end, and the jobs' statuses."""
    from rq.job import Job
    from rq.serializers import JSONSerializer

    starts: list[datetime] = []
    ends: list[datetime] = []
    statuses: Counter[str] = Counter()
    for i in range(0, len(job_ids), 500):
        for job in Job.fetch_many(
            job_ids[i : i + 500], connection=redis, serializer=JSONSerializer
        ):
            if job is None:
                statuses["expired"] += 1
                continue
            status = job.get_status(refresh=False)
            statuses[getattr(status, "value", str(status))] += 1
            if job.started_at and job.ended_at:
                starts.append(job.started_at)
                ends.append(job.ended_at)
    if not starts:
        return float("nan"), statuses
    return (max(ends) - min(starts)).total_seconds(), statuses


def drain(
    children: Children,
    name: str,
    argv: list[str],
    env: dict[str, str],
    workers: int,
    done: Any,
    time_limit: float,
) -> float:
    """Spawn `workers` burst workers and wait until `done()` or they all exit; the seconds."""
    procs = []
    t0 = time.perf_counter()
    try:
        for i in range(workers):
            procs.append(children.start(f"{name}-worker-{i}", argv, env))
        deadline = time.monotonic() + time_limit
        while time.monotonic() < deadline:
            if done():
                break
            if all(p.poll() is not None for p in procs):
                if done():
                    break
                codes = [p.returncode for p in procs]
                raise RuntimeError(
                    f"{name} workers exited {codes} before the work was done:\n"
                    + children.tail(f"{name}-worker-0")
                )
            time.sleep(0.02)
        else:
            raise RuntimeError(f"{name}: not done within {time_limit:.0f}s")
        elapsed = time.perf_counter() - t0
        for p in procs:  # burst workers leave on their own once the queue is empty
            try:
                p.wait(30)
            except Exception:  # noqa: BLE001
                pass
        return elapsed
    finally:
        for p in procs:
            children.stop(p)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 40 messages")
    parser.add_argument("--messages", type=int, default=500, help="M: orders, one email each")
    parser.add_argument("--workers", type=int, default=2, help="N worker processes, both targets")
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even if PostgreSQL is up")
    parser.add_argument("--redis-db", type=int, default=14, help="Redis database index to use")
    parser.add_argument("--time-limit", type=float, default=600, help="seconds per target")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()
    if args.quick:
        args.messages = min(args.messages, 40)
    m = args.messages

    from redis import Redis
    from rq import Queue
    from rq.registry import FinishedJobRegistry
    from rq.serializers import JSONSerializer
    from sqlalchemy import func, select

    from core.domain.states import MessageState
    from core.queue_rq import RETRY
    from core.storage.db import make_engine
    from core.storage.models import Notification

    redis_url = f"{REDIS_BASE}/{args.redis_db}"
    redis = Redis.from_url(redis_url, socket_timeout=5)
    queue = Queue(QUEUE, connection=redis, serializer=JSONSerializer)
    children = Children()
    failed: list[str] = []
    engine = None
    try:
        with (
            fresh_database("dispatch", force_sqlite=args.sqlite, keep=args.keep) as db,
            Sink() as sink,
        ):
            smtp_url = f"smtp://127.0.0.1:{sink.port}?from=shop@bench.example.com&timeout=10"
            env = wismo_env(db, redis_url, WISMO_SMTP_URL=smtp_url)
            shop = setup_shop(env)
            queue.empty()
            log(
                f"database: {db.kind}; redis: {redis_url}; smtp sink :{sink.port}; "
                f"logs: {children.logdir}"
            )
            note_ids, setup_s = prepare_notifications(env, shop["id"], m, run_id())
            log(
                f"set-up: {m} placed events accepted + processed in-process in {setup_s:.1f}s "
                f"({m / setup_s:.0f} events/s); {len(note_ids)} notifications due"
            )
            if len(note_ids) != m:
                raise RuntimeError(f"expected {m} due notifications, got {len(note_ids)}")
            engine = make_engine(db.url)

            def count_state(state: str) -> int:
                with engine.connect() as conn:  # type: ignore[union-attr]
                    return int(
                        conn.execute(
                            select(func.count())
                            .select_from(Notification)
                            .where(Notification.state == state)
                        ).scalar_one()
                    )

            # -- baseline: no-op jobs through plain rq workers ---------------------------
            finished = FinishedJobRegistry(QUEUE, connection=redis, serializer=JSONSerializer)
            before = finished.count  # jobs of earlier runs stay listed for rq's result TTL
            noop_ids = [queue.enqueue("noop_job.noop", nid, retry=RETRY).id for nid in note_ids]
            log(f"baseline: {m} no-op jobs, {args.workers} x rq worker --burst")
            rq_argv = [
                str(VENV_BIN / "rq"),
                "worker",
                "--burst",
                "--with-scheduler",
                "--serializer",
                "json",
                "--url",
                redis_url,
                "--path",
                str(BENCH),
                QUEUE,
            ]
            wall = drain(
                children,
                "noop",
                rq_argv,
                env,
                args.workers,
                lambda: finished.count >= before + m,
                args.time_limit,
            )
            window, statuses = job_window(redis, noop_ids)
            baseline = Run("no-op rq jobs", m, window, wall, statuses.get("finished", 0))
            if baseline.ok != m:
                failed.append(f"no-op jobs: {dict(statuses)}")
            queue.empty()

            # -- wismo: deliver jobs through wismo workers to the SMTP sink ---------------
            # exactly what core.jobs.process_event does for each notification it made due
            deliver_ids = [
                queue.enqueue("core.jobs.deliver", nid, retry=RETRY).id for nid in note_ids
            ]
            log(f"wismo: {m} deliver jobs, {args.workers} x wismo worker --burst")
            wall = drain(
                children,
                "wismo",
                [str(VENV_BIN / "wismo"), "worker", "--burst"],
                env,
                args.workers,
                lambda: count_state(MessageState.SENT) >= m,
                args.time_limit,
            )
            window, statuses = job_window(redis, deliver_ids)
            time.sleep(0.5)  # let the sink settle before counting
            sent = count_state(MessageState.SENT)
            wismo = Run("wismo deliver + SMTP", m, window, wall, sent)

            with engine.connect() as conn:
                states = dict(
                    conn.execute(
                        select(Notification.state, func.count()).group_by(Notification.state)
                    ).all()
                )
                dead = (
                    conn.execute(
                        select(Notification.last_error)
                        .where(Notification.state == MessageState.DEAD)
                        .limit(3)
                    )
                    .scalars()
                    .all()
                )
            mails = list(sink.mails)
            ids = Counter(mid for _, mid in mails)
            rcpts = Counter(r for rc, _ in mails for r in rc)
            dupes = sum(1 for c in ids.values() if c > 1)
            if sent != m:
                failed.append(f"notifications by state: {states}; dead letters: {dead}")
                if any("template error" in (d or "") for d in dead):
                    failed.append("rendering fails (templates being finished?): retry later")
            if len(mails) != m or len(ids) != m or dupes or len(rcpts) != m:
                failed.append(
                    f"SMTP sink got {len(mails)} mails, {len(ids)} distinct Message-IDs,"
                    f" {len(rcpts)} distinct recipients, {dupes} duplicated; expected {m}"
                )
            if statuses.get("finished", 0) != m:
                failed.append(f"deliver jobs: {dict(statuses)}")
            queue.empty()

            print()
            print(
                f"dispatch: {m} messages, {args.workers} burst worker processes per target, "
                f"database {db.kind}, SMTP sink on loopback"
            )
            print(
                table(
                    [
                        "target",
                        "messages",
                        "drain s",
                        "msg/s (drain)",
                        "wall s",
                        "msg/s (wall)",
                        "ok",
                    ],
                    [
                        [r.name, r.messages, r.drain_s, r.drain_rate, r.wall_s, r.wall_rate, r.ok]
                        for r in (baseline, wismo)
                    ],
                )
            )
            print(
                f"\nratio wismo/no-op (drain): {wismo.drain_rate / baseline.drain_rate:.2f}x  "
                f"(the issue aims at >= 0.3x)"
            )
            print(f"ratio wismo/no-op (wall):  {wismo.wall_rate / baseline.wall_rate:.2f}x")
            print(
                f"SMTP sink: {len(mails)} mails, {len(ids)} distinct Message-IDs, "
                f"{len(rcpts)} distinct recipients; notifications: {states}"
            )
    except Exception as exc:  # noqa: BLE001
        failed.append(f"{exc.__class__.__name__}: {exc}")
    finally:
        if engine is not None:
            engine.dispose()
        code = children.finish(failed, args.keep, queue)
    return code


if __name__ == "__main__":
    sys.exit(main())
