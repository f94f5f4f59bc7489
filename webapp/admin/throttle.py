"""Slowing down password guessing: a few failed sign-ins per address, then a pause.

Kept in this process's memory (per gunicorn worker), which is enough to turn an online
guessing attack from thousands of tries a minute into a handful; Argon2id makes each
try expensive on top.
"""

from __future__ import annotations

import threading
from collections import deque
from time import monotonic

MAX_FAILURES = 5
WINDOW = 15 * 60  # seconds


class SignInThrottle:
    """Failed attempts per key (an email address) within a sliding window."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, key: str) -> bool:
        """Whether `key` used up its failures for now."""
        with self._lock:
            return len(self._recent(key, monotonic())) >= self.limit

    def failed(self, key: str) -> None:
        with self._lock:
            now = monotonic()
            self._recent(key, now).append(now)
            if len(self._failures) > 50_000:  # a flood of made-up addresses: start afresh
                self._failures = {key: self._failures[key]}

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
