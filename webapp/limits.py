"""Rate limits on the public order lookups (tracking page form and widget form).

One Flask-Limiter per app, so tests and processes never share counters by accident.
Storage: Redis at WISMO_REDIS_URL when set (every web process shares the counts),
in-process memory otherwise (the demo; each process counts on its own).
Two limits apply to every lookup attempt, successful or not:

- per client IP (`WISMO_LOOKUP_LIMIT_IP`, default "10 per minute; 60 per hour"), which
  stops one machine guessing many orders;
- per order number (`WISMO_LOOKUP_LIMIT_ORDER`, default "5 per 10 minutes"), which stops
  many machines guessing the contact details of one order.

Problem reports from a tracking page count per order (`WISMO_PROBLEM_LIMIT_ORDER`, default
"3 per hour; 10 per day") and per IP (`WISMO_PROBLEM_LIMIT_IP`, default "5 per hour;
20 per day"), so a forwarded link cannot flood the merchant's inbox and webhook.

Sign-in link requests (`POST /admin/sign-in/link`) count per IP
(`WISMO_SIGN_IN_LINK_LIMIT_IP`, default "10 per 15 minutes; 30 per day") and per address
(`WISMO_SIGN_IN_LINK_LIMIT_EMAIL`, default "3 per 15 minutes; 10 per day"), known or not.

Short links (`GET /t/<code>`) count against their own per-IP limit (`WISMO_LINK_LIMIT_IP`,
default "30 per minute; 300 per hour"), which stops one machine guessing codes while
a shopper opening their messages' links never meets it.

Behind a reverse proxy every request comes from the proxy's address; set
`WISMO_PROXY_HOPS` to the number of proxies in front of Wismo (usually 1) and the client
IP is taken from X-Forwarded-For through werkzeug's ProxyFix. Never set it without a
proxy that overwrites that header, or clients could choose their own IP.
"""

from __future__ import annotations

import os

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from core.services.lookup import normalize_number
from core.settings import Settings

DEFAULT_IP = "10 per minute; 60 per hour"
DEFAULT_ORDER = "5 per 10 minutes"
DEFAULT_LINK = "30 per minute; 300 per hour"
DEFAULT_PROBLEM_ORDER = "3 per hour; 10 per day"
DEFAULT_PROBLEM_IP = "5 per hour; 20 per day"
DEFAULT_SIGN_IN_LINK_IP = "10 per 15 minutes; 30 per day"
DEFAULT_SIGN_IN_LINK_EMAIL = "3 per 15 minutes; 10 per day"
# delivery-date quotes: one per product or cart page a shopper opens
DEFAULT_PROMISE_IP = "60 per minute; 1000 per hour"
DEFAULT_PROMISE_SHOP = "6000 per minute"


def init_limits(app: Flask, settings: Settings) -> Limiter:
    """Attach this app's limiter (no default limits: only the lookups are limited)."""
    app.config.setdefault(
        "WISMO_LOOKUP_LIMIT_IP", os.environ.get("WISMO_LOOKUP_LIMIT_IP") or DEFAULT_IP
    )
    app.config.setdefault(
        "WISMO_LOOKUP_LIMIT_ORDER", os.environ.get("WISMO_LOOKUP_LIMIT_ORDER") or DEFAULT_ORDER
    )
    app.config.setdefault(
        "WISMO_LINK_LIMIT_IP", os.environ.get("WISMO_LINK_LIMIT_IP") or DEFAULT_LINK
    )
    app.config.setdefault(
        "WISMO_SIGN_IN_LINK_LIMIT_IP",
        os.environ.get("WISMO_SIGN_IN_LINK_LIMIT_IP") or DEFAULT_SIGN_IN_LINK_IP,
    )
    app.config.setdefault(
        "WISMO_SIGN_IN_LINK_LIMIT_EMAIL",
        os.environ.get("WISMO_SIGN_IN_LINK_LIMIT_EMAIL") or DEFAULT_SIGN_IN_LINK_EMAIL,
    )
    app.config.setdefault(
        "WISMO_PROBLEM_LIMIT_ORDER",
        os.environ.get("WISMO_PROBLEM_LIMIT_ORDER") or DEFAULT_PROBLEM_ORDER,
    )
    app.config.setdefault(
        "WISMO_PROBLEM_LIMIT_IP", os.environ.get("WISMO_PROBLEM_LIMIT_IP") or DEFAULT_PROBLEM_IP
    )
    app.config.setdefault(
        "WISMO_PROMISE_LIMIT_IP", os.environ.get("WISMO_PROMISE_LIMIT_IP") or DEFAULT_PROMISE_IP
    )
    app.config.setdefault(
        "WISMO_PROMISE_LIMIT_SHOP",
        os.environ.get("WISMO_PROMISE_LIMIT_SHOP") or DEFAULT_PROMISE_SHOP,
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
    hops = int(os.environ.get("WISMO_PROXY_HOPS") or app.config.get("WISMO_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
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


def check_short_link() -> None:
    """Count one short-link visit from this IP; raises RateLimitExceeded (429) when over."""
    limiter: Limiter = current_app.extensions["wismo_limiter"]
    with limiter.limit(current_app.config["WISMO_LINK_LIMIT_IP"], scope="link-ip"):
        pass


def check_sign_in_link(email: str) -> None:
    """Count one sign-in link request, per IP and per address (known or not: the same)."""
    limiter: Limiter = current_app.extensions["wismo_limiter"]
    address = email.strip().lower()
    with limiter.limit(current_app.config["WISMO_SIGN_IN_LINK_LIMIT_IP"], scope="sign-in-link-ip"):
        pass
    with limiter.limit(
        current_app.config["WISMO_SIGN_IN_LINK_LIMIT_EMAIL"],
        key_func=lambda: address,
        scope="sign-in-link-email",
    ):
        pass


def check_problem_report(order_id: int) -> None:
    """Count one problem report, per order and per IP; RateLimitExceeded (429) when over."""
    limiter: Limiter = current_app.extensions["wismo_limiter"]
    with limiter.limit(current_app.config["WISMO_PROBLEM_LIMIT_IP"], scope="problem-ip"):
        pass
    with limiter.limit(
        current_app.config["WISMO_PROBLEM_LIMIT_ORDER"],
        key_func=lambda: str(order_id),
        scope="problem-order",
    ):
        pass


def check_promise(shop: str | None) -> None:
    """Count one delivery-date quote, per IP and per shop; RateLimitExceeded (429) when over."""
    limiter: Limiter = current_app.extensions["wismo_limiter"]
    with limiter.limit(current_app.config["WISMO_PROMISE_LIMIT_IP"], scope="promise-ip"):
        pass
    with limiter.limit(
        current_app.config["WISMO_PROMISE_LIMIT_SHOP"],
        key_func=lambda: shop or "*",
        scope="promise-shop",
    ):
        pass
