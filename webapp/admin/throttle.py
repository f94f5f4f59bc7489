"""Slowing down password guessing without letting strangers lock an owner out (issue 16).

Two counts of failed sign-ins, in a moving window of 15 minutes:

- per address *and* client IP (`MAX_FAILURES`, 5): the guesser at that IP is paused for
  that address, while the owner, signing in from anywhere else, is not;
- per client IP over every address (`MAX_IP_FAILURES`, 20): one machine cannot walk
  through a list of addresses five guesses at a time.

The counts live in the app's Flask-Limiter storage (webapp/limits.py): Redis at
WISMO_REDIS_URL, so every web process and gunicorn worker shares them, or process
memory in the demo. When Redis cannot be reached the counts fall back to a limiter in
this process's memory, so the throttle keeps holding (per process) instead of failing
open. Argon2id makes each try expensive on top. Only failures count, and a success
clears its address+IP count, so a merchant who mistypes once is never held back. A
sign-in link (limited on its own) always works.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, request
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

MAX_FAILURES = 5
MAX_IP_FAILURES = 20
WINDOW = 15 * 60  # seconds
_ITEM = RateLimitItemPerSecond(MAX_FAILURES, WINDOW, namespace="wismo-sign-in")
_IP_ITEM = RateLimitItemPerSecond(MAX_IP_FAILURES, WINDOW, namespace="wismo-sign-in-ip")

log = logging.getLogger(__name__)


def _local() -> MovingWindowRateLimiter:
    """This app's in-process fallback limiter (created on first use)."""
    ext = current_app.extensions
    if "wismo_sign_in_fallback" not in ext:
        ext["wismo_sign_in_fallback"] = MovingWindowRateLimiter(MemoryStorage())
    return ext["wismo_sign_in_fallback"]


class SignInThrottle:
    """Failed attempts per address+IP and per IP within a moving window."""

    def __init__(self, strategy: object | None = None, ip: str | None = None) -> None:
        self._strategy = strategy
        self._ip = ip

    @property
    def strategy(self):
        """The limiter's moving-window strategy over its shared storage."""
        if self._strategy is None:
            return current_app.extensions["wismo_limiter"].limiter
        return self._strategy

    @property
    def ip(self) -> str:
        return self._ip if self._ip is not None else (request.remote_addr or "-")

    def _keys(self, email: str) -> list[tuple[Any, str]]:
        return [(_ITEM, f"{email}|{self.ip}"), (_IP_ITEM, self.ip)]

    def _each(self, call: str, pairs: list[tuple[Any, str]]) -> list[bool]:
        """Call the strategy on each (item, key); Redis down: the in-process limiter."""
        try:
            return [bool(getattr(self.strategy, call)(item, key)) for item, key in pairs]
        except Exception:
            log.warning("sign-in throttle: shared store unreachable, counting in this process")
            local = _local()
            return [bool(getattr(local, call)(item, key)) for item, key in pairs]

    def blocked(self, email: str) -> bool:
        """Whether this address from this IP, or this IP at all, used up its failures."""
        return not all(self._each("test", self._keys(email)))

    def failed(self, email: str) -> None:
        self._each("hit", self._keys(email))

    def succeeded(self, email: str) -> None:
        self._each("clear", self._keys(email)[:1])


SENDS_PER_HOUR = 10
SENDS_PER_DAY = 30
_SEND_ITEMS = (
    RateLimitItemPerSecond(SENDS_PER_HOUR, 3600, namespace="wismo-admin-sends-hour"),
    RateLimitItemPerSecond(SENDS_PER_DAY, 86400, namespace="wismo-admin-sends-day"),
)


def admin_send_allowed(shop_id: int) -> bool:
    """Count one test, preview or sender confirmation of the shop; False over the limits.

    Per shop, whoever of its staff sends: 10 an hour, 30 a day (issue 16 item 4: the shared
    relay is no free mail cannon). Shared in Redis; in this process's memory when Redis
    cannot be reached, never unlimited.
    """
    pairs = [(item, str(shop_id)) for item in _SEND_ITEMS]
    try:
        strategy = current_app.extensions["wismo_limiter"].limiter
        if not all(strategy.test(item, key) for item, key in pairs):
            return False
        return all([strategy.hit(item, key) for item, key in pairs])
    except Exception:
        log.warning("admin send limit: shared store unreachable, counting in this process")
        local = _local()
        if not all(local.test(item, key) for item, key in pairs):
            return False
        return all([local.hit(item, key) for item, key in pairs])
