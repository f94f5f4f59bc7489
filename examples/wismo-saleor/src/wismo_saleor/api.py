"""Saleor over HTTP: the only module of this adapter that talks to the store.

The store's JWKS (cached, fetched again when a signature names a key we have not seen, at
most once a minute: Saleor rotates keys), and its GraphQL API with the app's token: the
check that a token is real at installation, and reconciliation's orders changed since a time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from wismo.sdk import ConfigError, WismoError

from .manifest import ORDER_FIELDS

TIMEOUT = 10.0
REFETCH_AFTER = 60.0  # seconds before an unknown key may fetch the JWKS again
_jwks_cache: dict[str, tuple[float, dict[str, Any]]] = {}

ORDERS_SINCE = (
    "query WismoOrdersSince($since: DateTime!, $after: String) {\n"
    "  orders(first: 50, after: $after, filter: {updatedAt: {gte: $since}}) {\n"
    "    edges { node { ...WismoOrder } }\n"
    "    pageInfo { hasNextPage endCursor }\n"
    "  }\n"
    "}\n" + ORDER_FIELDS
)
APP_ID = "query WismoApp { app { id } }"


class SaleorApiError(WismoError):
    """The store could not answer (a timeout, a 5xx, GraphQL errors): ask again later."""


def jwks_url(api_url: str) -> str:
    """`https://store.example/graphql/` → `https://store.example/.well-known/jwks.json`."""
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"api_url must be the store's GraphQL URL, not {api_url!r}")
    return f"{parts.scheme}://{parts.netloc}/.well-known/jwks.json"


def jwks(api_url: str, refresh: bool = False) -> dict[str, Any]:
    """The store's public keys, from the cache unless `refresh` (rate-limited)."""
    url = jwks_url(api_url)
    cached = _jwks_cache.get(url)
    now = time.monotonic()
    if cached and (not refresh or now - cached[0] < REFETCH_AFTER):
        return cached[1]
    try:
        r = requests.get(url, timeout=TIMEOUT, headers={"Accept": "application/json"})
        r.raise_for_status()
        keys = r.json()
    except (requests.RequestException, ValueError) as exc:
        if cached:
            return cached[1]
        raise SaleorApiError(f"could not fetch the store's JWKS at {url}: {exc}") from exc
    _jwks_cache[url] = (now, keys)
    return keys


def graphql(api_url: str, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """The `data` of one GraphQL request with the app's token."""
    try:
        r = requests.post(
            api_url,
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise SaleorApiError(f"Saleor unreachable: {exc}") from exc
    if r.status_code in (401, 403):
        raise ConfigError("Saleor refused the app token (app_token): install the app again")
    if not r.ok:
        raise SaleorApiError(f"Saleor answered {r.status_code}")
    body = r.json()
    if body.get("errors"):
        raise SaleorApiError(f"Saleor's GraphQL errors: {body['errors']}")
    return body["data"]


def app_id(api_url: str, token: str) -> str | None:
    """The id of the app the token belongs to (None: the token is not an app's)."""
    app = graphql(api_url, token, APP_ID).get("app")
    return str(app["id"]) if app else None


def orders_since(api_url: str, token: str, since: datetime) -> Iterator[dict[str, Any]]:
    """Every order changed at or after `since` (aware), page after page."""
    after: str | None = None
    while True:
        variables = {"since": since.isoformat(), "after": after}
        page = graphql(api_url, token, ORDERS_SINCE, variables)["orders"]
        for edge in page["edges"]:
            yield edge["node"]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]
