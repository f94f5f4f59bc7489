"""The one module that calls the store: Wismo's signed pull of open orders (backfill).

OpenCart has no API Wismo could use without the merchant creating an API user and an IP
allow-list, so the module serves one route for Wismo alone, checked with the shop's
secret exactly as Wismo's pushes are (Standard Webhooks, module/lib/Signer.php verify).
The route differs by version; 3.0's is tried first, then 4.x's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import requests

from core import netguard
from core.crypto import new_token
from core.errors import ConfigError
from core.signing import sign_headers

ROUTES = ("extension/module/wismo/orders", "extension/wismo/module/wismo.orders")
TIMEOUT = 30


def _post(store_url: str, route: str, secret: str, body: bytes) -> requests.Response:
    headers = {**sign_headers(secret, "msg_" + new_token(12), int(time.time()), body)}
    headers["Content-Type"] = "application/json"
    url = store_url.rstrip("/") + "/index.php"
    try:
        return netguard.session().post(
            url, params={"route": route}, data=body, headers=headers, timeout=TIMEOUT
        )
    except requests.RequestException as exc:
        raise ConfigError(f"the store did not answer: {exc}") from None


def open_orders(
    store_url: str, secret: str, since: datetime
) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(total, orders of one page) for every page of the store's open orders since `since`."""
    route: str | None = None
    page = 1
    while True:
        body = json.dumps({"since": int(since.timestamp()), "page": page}).encode()
        answer = None
        for candidate in [route] if route else ROUTES:
            response = _post(store_url, candidate, secret, body)
            answer = _json(response)
            if answer is not None:
                route = candidate
                break
        if answer is None:
            raise ConfigError(
                "the store has no Wismo backfill route: update the Wismo module "
                f"(1.1 or later) at {store_url}"
            )
        if "error" in answer:
            raise ConfigError(
                f"the store refused the backfill: {answer['error']} (check the secret)"
            )
        orders = [o for o in answer.get("orders") or [] if isinstance(o, dict)]
        yield int(answer.get("total") or 0), orders
        if len(orders) < int(answer.get("per_page") or 50) or not orders:
            return
        page += 1


def _json(response: requests.Response) -> dict[str, Any] | None:
    """The route's JSON answer, or None when this route is not the module's (HTML, 404)."""
    if "json" not in response.headers.get("Content-Type", ""):
        return None
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) and ("orders" in data or "error" in data) else None
