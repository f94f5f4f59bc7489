"""Job queues: rq on Redis in production, in-process without it.

Jobs are named ("process_event", "deliver") and take ids; `core.jobs.Jobs` runs them with
the dependencies of the process that built it. The in-process queues get that runner at
construction (`core.bootstrap`); rq workers get it from `core.queue_rq.worker_for`.
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


Runner = Callable[..., Any]
"""Runs one named job: `run(job, *ids)` (`core.jobs.Jobs.run`)."""


def known(job: str) -> str:
    """The job's name, or ValueError for a job nobody runs."""
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}")
    return job


class InlineQueue:
    """Runs each job at once in the caller, skipping delayed ones (the relay sends those)."""

    def __init__(self, run: Runner) -> None:
        self._run = run

    def enqueue(self, job: str, *args: int, at: datetime | None = None) -> None:
        known(job)
        if at is not None and at > utcnow():
            return
        self._run(job, *args)

    def depth(self) -> int | None:
        return 0


class ThreadQueue:
    """A background thread running jobs in order of their due time (the demo, small shops)."""

    def __init__(self, run: Runner) -> None:
        self._run_job = run
        self._heap: list[tuple[datetime, int, str, tuple[int, ...]]] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None  # started by the first job

    def enqueue(self, job: str, *args: int, at: datetime | None = None) -> None:
        known(job)  # fail fast on a bad name
        with self._cv:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="wismo-jobs", daemon=True)
                self._thread.start()
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
                self._run_job(job, *args)
            except Exception:  # the relay will retry what this left undone
                log.exception("in-process job %s%s failed", job, args)
