"""The rq queue: JSON-serialised jobs by name, retried with backoff, run by a bound worker.

A job is stored as `core.jobs.<job>(*ids)`. The worker made by `worker_for` resolves that
name on the process's own `core.jobs.Jobs` (built once from its Container), so a job runs
with the dependencies of the worker that took it and nothing is looked up globally.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from rq import Queue, Retry, SimpleWorker
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from core.queue import JOBS, Runner

PREFIX = "core.jobs."
RETRY = Retry(max=3, interval=[5, 30, 120])  # crashes inside a job, not channel failures
DOWN_SECONDS = 5.0
WAITING_AT_MOST = timedelta(minutes=10)  # a queued job older than this is queued again


class QueueUnavailable(ConnectionError):
    """Redis failed a moment ago; the caller's work is in the database for the relay."""


class RqQueue:
    """Enqueues `core.jobs.<job>(*ids)` on Redis; delayed jobs need a worker with the scheduler.

    After a failure, enqueues fail fast for DOWN_SECONDS instead of each waiting out the
    connect timeout: callers have committed their work already, and the relay sends it.
    """

    def __init__(self, redis_url: str, name: str = "wismo") -> None:
        self.redis = Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=2)
        self.queue = Queue(name, connection=self.redis, serializer=JSONSerializer)
        self._down_until = 0.0

    def enqueue(self, job: str, *args: int, at: datetime | None = None) -> None:
        if time.monotonic() < self._down_until:
            raise QueueUnavailable("Redis failed moments ago; not trying again yet")
        func = PREFIX + job
        try:
            if at is not None:
                self.queue.enqueue_at(at, func, *args, retry=RETRY)
                return
            # one waiting job per job and ids: the relay re-enqueues what it cannot see in
            # the queue, and must not pile copies behind a backlog the workers are still on
            job_id = "-".join(["wismo", job, *map(str, args)])
            waiting = self.queue.fetch_job(job_id)
            status = waiting.get_status(refresh=False) if waiting is not None else None
            if status == JobStatus.QUEUED and _recent(waiting):
                return
            # a job running under this id keeps it; the new one gets an id of its own
            self.queue.enqueue(
                func, *args, retry=RETRY, job_id=None if status == JobStatus.STARTED else job_id
            )
        except Exception:
            self._down_until = time.monotonic() + DOWN_SECONDS
            raise

    def depth(self) -> int | None:
        return self.queue.count


def _recent(job: Job | None) -> bool:
    """Queued within the last WAITING_AT_MOST: a job seen as queued for longer may have been
    taken by a worker that died before it marked it started, so it is queued again."""
    at = job.enqueued_at if job is not None else None
    if at is None:
        return False
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return datetime.now(UTC) - at < WAITING_AT_MOST


class _BoundJob(Job):
    """An rq job whose `core.jobs.<name>` runs on the worker's own job runner."""

    run: Runner

    @property
    def func(self) -> Any:
        name = (self.func_name or "").removeprefix(PREFIX)
        if self.func_name == PREFIX + name and name in JOBS:
            return lambda *args: type(self).run(name, *args)
        return super().func


def worker_for(run: Runner, connection: Redis, queue: str | Queue) -> SimpleWorker:
    """An rq worker on `queue` whose jobs run on `run` (`core.jobs.Jobs.run`).

    SimpleWorker runs jobs in this warm process (no fork per job: templates, plug-ins and
    database connections are reused). A crash mid-send is covered by the send lease.
    """
    job_class = type("BoundJob", (_BoundJob,), {"run": staticmethod(run)})
    return SimpleWorker(
        queue, connection=connection, serializer=JSONSerializer, job_class=job_class
    )
