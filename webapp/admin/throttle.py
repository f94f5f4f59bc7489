"""Slowing down password guessing: a few failed sign-ins per address, then a pause.

The counts live in the app's Flask-Limiter storage (webapp/limits.py): Redis at
WISMO_REDIS_URL, so every web process and gunicorn worker shares them, or process
memory in the demo. Argon2id makes each try expensive on top. Only failures count, and
a success clears them, so a merchant who mistypes once is never held back.
"""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItemPerSecond

MAX_FAILURES = 5
WINDOW = 15 * 60  # seconds
_ITEM = RateLimitItemPerSecond(MAX_FAILURES, WINDOW, namespace="wismo-sign-in")


class SignInThrottle:
    """Failed attempts per key (an email address) within a moving window."""

    def __init__(self, strategy: object | None = None) -> None:
        self._strategy = strategy

    @property
    def strategy(self):
        """The limiter's moving-window strategy over its shared storage."""
        if self._strategy is None:
            return current_app.extensions["wismo_limiter"].limiter
        return self._strategy

    def blocked(self, key: str) -> bool:
        """Whether `key` used up its failures for now (an unreachable store blocks no one)."""
        try:
            return not self.strategy.test(_ITEM, key)
        except Exception:
            return False

    def failed(self, key: str) -> None:
        try:
            self.strategy.hit(_ITEM, key)
        except Exception:  # Redis down: signing in still works, Argon2id still slows guessing
            pass

    def succeeded(self, key: str) -> None:
        try:
            self.strategy.clear(_ITEM, key)
        except Exception:
            pass
