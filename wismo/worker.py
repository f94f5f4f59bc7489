"""`wismo worker`: an rq worker that outlives Redis outages.

rq's `Worker.work()` lets a `redis.ConnectionError` escape (its heartbeat, its dequeue), and
a worker started while Redis is down exits at once. Here the worker waits for Redis and,
when Redis goes away, starts over with a fresh connection: busy or idle, it never dies of
an outage. What an emptied Redis lost, the relay (`wismo scheduler`) enqueues again from
the database.
"""

from __future__ import annotations

import logging
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

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


def run_worker(url: str, queue_name: str, burst: bool = False) -> None:
    """Run an rq SimpleWorker on `queue_name`, reconnecting after every Redis outage."""
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    while True:
        conn = wait_for_redis(url)
        # SimpleWorker runs jobs in this warm process (no fork per job: templates, plug-ins and
        # database connections are reused). A crash mid-send is covered by the send lease.
        worker = SimpleWorker([queue_name], connection=conn, serializer=JSONSerializer)
        try:
            worker.work(with_scheduler=True, burst=burst)
            return  # a burst that emptied the queue, or a shutdown signal
        except OUTAGE as exc:
            log.warning("lost Redis while working (%s); reconnecting", type(exc).__name__)
            conn.close()
            time.sleep(0.5)
