"""The rq queue: JSON-serialised jobs by import path, retried with backoff."""

from __future__ import annotations

from datetime import datetime

from redis import Redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

RETRY = Retry(max=3, interval=[5, 30, 120])  # crashes inside a job, not channel failures


class RqQueue:
    """Enqueues `core.jobs.<job>(*ids)` on Redis; delayed jobs need a worker with the scheduler."""

    def __init__(self, redis_url: str, name: str = "wismo") -> None:
        self.redis = Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=2)
        self.queue = Queue(name, connection=self.redis, serializer=JSONSerializer)

    def enqueue(self, job: str, *args: int, at: datetime | None = None) -> None:
        func = f"core.jobs.{job}"
        if at is not None:
            self.queue.enqueue_at(at, func, *args, retry=RETRY)
        else:
            self.queue.enqueue(func, *args, retry=RETRY)

    def depth(self) -> int | None:
        return self.queue.count
