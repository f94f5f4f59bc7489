"""`wismo worker`: an rq worker that outlives Redis outages.

rq's `Worker.work()` lets a `redis.ConnectionError` escape (its heartbeat, its dequeue), and
a worker started while Redis is down exits at once. Here the worker waits for Redis and,
when Redis goes away, starts over with a fresh connection: busy or idle, it never dies of
an outage. What an emptied Redis lost, the relay (`wismo scheduler`) enqueues again from
the database. The worker's dependencies are built once (`core.bootstrap`) and its jobs run
on them (`core.queue_rq.worker_for`).
"""

from __future__ import annotations

import logging
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.container import Container
from core.jobs import Jobs
from core.queue_rq import worker_for

log = logging.getLogger("wismo.worker")

OUTAGE = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)
MAX_WAIT = 5.0  # seconds between reconnection attempts, at most


def wait_for_redis(url: str, pause: float = 0.5) -> Redis:
    """A connection to `url` that answered PING, however long Redis takes to come back."""
    delay = pause
    while True:
        conn = Redis.from_url(url, socket_connect_timeout=2, health_check_interval=10)
        try:
            conn.ping()
            return conn
        except OUTAGE as exc:
            log.warning("Redis at %s is unreachable (%s); trying again in %.1f s", url, exc, delay)
            conn.close()
            time.sleep(delay)
            delay = min(delay * 2, MAX_WAIT)


def run_worker(c: Container, burst: bool = False) -> None:
    """Run the container's jobs from its rq queue, reconnecting after every Redis outage."""
    url, queue_name = c.settings.redis_url, c.settings.queue_name
    if not url:
        raise ValueError("the worker needs WISMO_REDIS_URL")
    jobs = Jobs(c)
    while True:
        conn = wait_for_redis(url)
        worker = worker_for(jobs.run, conn, queue_name)
        try:
            worker.work(with_scheduler=True, burst=burst)
            return  # a burst that emptied the queue, or a shutdown signal
        except OUTAGE as exc:
            log.warning("lost Redis while working (%s); reconnecting", type(exc).__name__)
            conn.close()
            time.sleep(0.5)
