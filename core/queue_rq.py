"""The rq queue: JSON-serialised jobs by import path, retried with backoff."""

from __future__ import annotations

import time
from datetime import datetime

from redis import Redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

RETRY = Retry(max=3, interval=[5, 30, 120])  # crashes inside a job, not channel failures
DOWN_SECONDS = 5.0


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
        func = f"core.jobs.{job}"
        try:
            if at is not None:
                self.queue.enqueue_at(at, func, *args, retry=RETRY)
            else:
                self.queue.enqueue(func, *args, retry=RETRY)
        except Exception:
            self._down_until = time.monotonic() + DOWN_SECONDS
            raise

    def depth(self) -> int | None:
        return self.queue.count
