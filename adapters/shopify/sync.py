"""Reconciliation and backfill through the GraphQL Admin API.

Shopify does not promise to deliver every webhook, so the scheduler asks for orders
updated since the last one seen (the cursor in shop.state) and feeds them into the
same idempotent pipeline. On install, the open orders of the last 60 days are
imported the same way, silently: old news sends no messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import object_session
from sqlalchemy.orm.attributes import flag_modified

from core.domain.events import OrderEventIn
from core.storage.clock import utcnow
from core.storage.models import Shop

from . import graphql
from .api import ShopifyApi
from .tokens import access_token

if TYPE_CHECKING:
    from core.bootstrap import Container

PAGE_SIZE = 50
OVERLAP = timedelta(minutes=5)  # re-read a little: updated_at ties and clock skew
BACKFILL_DAYS = 60


def reconcile(c: Container, shop: Shop, api: ShopifyApi | None = None) -> Iterator[OrderEventIn]:
    """Events for orders updated since the cursor; the cursor advances after each page."""
    if api is None:
        with ShopifyApi.from_settings(c.settings) as own:
            yield from reconcile(c, shop, own)
        return
    state = _state(shop)
    since = state.get("reconcile_cursor") or (utcnow() - timedelta(days=1)).isoformat()
    start = datetime.fromisoformat(since) - OVERLAP
    query = f"updated_at:>='{start.strftime('%Y-%m-%dT%H:%M:%SZ')}'"
    for nodes in _pages(c, api, shop, query):
        for node in nodes:
            yield from graphql.order_events(node)
        latest = max((str(n.get("updatedAt") or "") for n in nodes), default="")
        if latest and latest > since:
            since = datetime.fromisoformat(latest.replace("Z", "+00:00")).isoformat()
            _save(shop, reconcile_cursor=since)


def backfill(
    c: Container, shop: Shop, since: datetime, api: ShopifyApi | None = None
) -> Iterator[tuple[int, list[OrderEventIn]]]:
    """(total pages, one page's events) for the open orders created since `since`."""
    if api is None:
        with ShopifyApi.from_settings(c.settings) as own:
            yield from backfill(c, shop, since, own)
        return
    query = f"status:open created_at:>='{since.strftime('%Y-%m-%dT%H:%M:%SZ')}'"
    token = access_token(c.box, api, shop)
    counted = api.graphql(shop.domain or "", token, graphql.ORDERS_COUNT_QUERY, {"query": query})
    count = int(((counted.get("ordersCount") or {}).get("count")) or 0)
    pages = max(1, -(-count // PAGE_SIZE))
    for nodes in _pages(c, api, shop, query):
        yield pages, [e for node in nodes for e in graphql.order_events(node, silent=True)]
    _save(shop, backfilled_at=utcnow().isoformat())


def _pages(c: Container, api: ShopifyApi, shop: Shop, query: str) -> Iterator[list[dict[str, Any]]]:
    cursor: str | None = None
    while True:
        token = access_token(c.box, api, shop)  # an hour-long token can expire mid-run
        data = api.graphql(
            shop.domain or "",
            token,
            graphql.ORDERS_QUERY,
            {"first": PAGE_SIZE, "after": cursor, "query": query},
        )
        nodes, cursor = graphql.page_of(data)
        yield nodes
        if cursor is None:
            return


def _state(shop: Shop) -> dict[str, Any]:
    value = (shop.state or {}).get("shopify")
    return dict(value) if isinstance(value, dict) else {}


def _save(shop: Shop, **values: Any) -> None:
    """Remember progress in shop.state; the caller's next commit stores it."""
    shop.state = {**(shop.state or {}), "shopify": {**_state(shop), **values}}
    flag_modified(shop, "state")
    session = object_session(shop)
    if session is not None:
        session.flush()
