"""Rate limits on the public order lookups (tracking page form and widget form).

One Flask-Limiter per app, so tests and processes never share counters by accident.
Storage: Redis at WISMO_REDIS_URL when set (every web process shares the counts),
in-process memory otherwise (the demo; each process counts on its own).
Two limits apply to every lookup attempt, successful or not:

- per client IP (`WISMO_LOOKUP_LIMIT_IP`, default "10 per minute; 60 per hour"), which
  stops one machine guessing many orders;
- per order number (`WISMO_LOOKUP_LIMIT_ORDER`, default "5 per 10 minutes"), which stops
  many machines guessing the contact details of one order.

Behind a reverse proxy the client IP comes from X-Forwarded-For only when the app is
wrapped in werkzeug's ProxyFix (`wismo serve` does this, see docs/deployment.md).
"""

from __future__ import annotations

import os

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from core.services.lookup import normalize_number
from core.settings import Settings

DEFAULT_IP = "10 per minute; 60 per hour"
DEFAULT_ORDER = "5 per 10 minutes"


def init_limits(app: Flask, settings: Settings) -> Limiter:
    """Attach this app's limiter (no default limits: only the lookups are limited)."""
    app.config.setdefault(
        "WISMO_LOOKUP_LIMIT_IP", os.environ.get("WISMO_LOOKUP_LIMIT_IP") or DEFAULT_IP
    )
    app.config.setdefault(
        "WISMO_LOOKUP_LIMIT_ORDER", os.environ.get("WISMO_LOOKUP_LIMIT_ORDER") or DEFAULT_ORDER
    )
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        key_prefix="wismo-limits",
        strategy="moving-window",
        headers_enabled=False,
        swallow_errors=True,  # Redis down: lookups keep working rather than all failing
    )
    app.extensions["wismo_limiter"] = limiter
    return limiter


def check_lookup(number: str, shop: str | None) -> None:
    """Count one lookup attempt; raises flask_limiter's RateLimitExceeded (429) when over."""
    limiter: Limiter = current_app.extensions["wismo_limiter"]
    order_key = f"{shop or '*'}:{normalize_number(number).lower()}"
    with limiter.limit(current_app.config["WISMO_LOOKUP_LIMIT_IP"], scope="lookup-ip"):
        pass
    with limiter.limit(
        current_app.config["WISMO_LOOKUP_LIMIT_ORDER"],
        key_func=lambda: order_key,
        scope="lookup-order",
    ):
        pass
