"""Job queues: rq on Redis in production, in-process without it.

Jobs are named ("process_event", "deliver") and take ids; `core.jobs` holds them.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from core.storage.clock import utcnow

log = logging.getLogger(__name__)

JOBS = (
    "process_event",
    "deliver",
    "forward_problem",
    "backfill_shop",
    "adapter_work",
    "sign_in_link",
)


class JobQueue(Protocol):
    """Where work goes after the database has it."""

    def enqueue(self, job: str, *args: int, at: datetime | None = None) -> None: ...

    def depth(self) -> int | None: ...


def _job(job: str) -> Callable[..., Any]:
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}")
    from core import jobs

    return getattr(jobs, job)  # type: ignore[no-any-return,unused-ignore]


class InlineQueue:
    """Runs each job at once in the caller, skipping delayed ones (the relay sends those)."""

    def enqueue(self, job: str, *args: int, at: datetime | None = None) -> None:
        if at is not None and at > utcnow():
            return
        _job(job)(*args)

    def depth(self) -> int | None:
        return 0


class ThreadQueue:
    """A background thread running jobs in order of their due time (the demo, small shops)."""

    def __init__(self) -> None:
        self._heap: list[tuple[datetime, int, str, tuple[int, ...]]] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="wismo-jobs", daemon=True)
        self._thread.start()

    def enqueue(self, job: str, *args: int, at: datetime | None = None) -> None:
        _job(job)  # fail fast on a bad name
        with self._cv:
            heapq.heappush(self._heap, (at or utcnow(), next(self._seq), job, args))
            self._cv.notify()

    def depth(self) -> int | None:
        with self._cv:
            return len(self._heap)

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._heap or self._heap[0][0] > utcnow():
                    wait = (self._heap[0][0] - utcnow()).total_seconds() if self._heap else None
                    self._cv.wait(timeout=wait)
                _, _, job, args = heapq.heappop(self._heap)
            try:
                _job(job)(*args)
            except Exception:  # the relay will retry what this left undone
                log.exception("in-process job %s%s failed", job, args)
