"""Reconciliation and backfill through the GraphQL Admin API.

Shopify does not promise to deliver every webhook, so the scheduler asks for orders
updated since the last one seen (the cursor in shop.state) and feeds them into the
same idempotent pipeline. On install, the open orders of the last 60 days are
imported the same way, silently: old news sends no messages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import object_session
from sqlalchemy.orm.attributes import flag_modified

from core.domain.events import OrderEventIn
from core.storage.clock import utcnow
from core.storage.models import Shop

from . import graphql
from .api import ShopifyApi, ShopifyApiError
from .tokens import access_token, load_tokens

if TYPE_CHECKING:
    from core.bootstrap import Container

log = logging.getLogger(__name__)
PAGE_SIZE = 50
OVERLAP = timedelta(minutes=5)  # re-read a little: updated_at ties and clock skew
BACKFILL_DAYS = 60


def reconcile(c: Container, shop: Shop, api: ShopifyApi | None = None) -> Iterator[OrderEventIn]:
    """Events for orders updated since the cursor; the cursor advances after each page."""
    if api is None:
        with ShopifyApi.from_settings(c.settings) as own:
            yield from reconcile(c, shop, own)
        return
    if load_tokens(c.box, shop) is None:
        log.info(
            "%s has no Shopify token yet (not opened since install): nothing to reconcile",
            shop.domain,
        )
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
    _finish(api, shop, "reconcile")


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
    _finish(api, shop, "backfill")


def _pages(c: Container, api: ShopifyApi, shop: Shop, query: str) -> Iterator[list[dict[str, Any]]]:
    """Each page of orders, every order complete; a page too costly is asked again smaller."""
    cursor: str | None = None
    size = PAGE_SIZE
    while True:
        token = access_token(c.box, api, shop)  # an hour-long token can expire mid-run
        try:
            data = api.graphql(
                shop.domain or "",
                token,
                graphql.ORDERS_QUERY,
                {"first": size, "after": cursor, "query": query},
            )
        except ShopifyApiError as exc:
            if exc.code != "MAX_COST_EXCEEDED" or size == 1:
                raise
            size = max(1, size // 2)
            log.info(
                "%s: query cost over Shopify's limit; asking %d orders a page", shop.domain, size
            )
            continue
        nodes, cursor = graphql.page_of(data)
        yield [_complete(api, shop.domain or "", token, node) for node in nodes]
        if cursor is None:
            return


def _complete(api: ShopifyApi, domain: str, token: str, node: dict[str, Any]) -> dict[str, Any]:
    """The order with all its line items, fulfillments and each parcel's items: a big
    order's nested lists are fetched to their end, never cut off at the first page."""
    items = node.get("lineItems") or {}
    after = graphql.next_cursor(items)
    while after:
        more = api.graphql(
            domain, token, graphql.LINE_ITEMS_QUERY, {"id": node["id"], "after": after}
        )
        page = ((more.get("order") or {}).get("lineItems")) or {}
        items = {"nodes": [*items.get("nodes", []), *page.get("nodes", [])]}
        after = graphql.next_cursor(page)
    fulfillments = node.get("fulfillments") or []
    if len(fulfillments) >= graphql.FULFILLMENTS_FIRST:
        more = api.graphql(domain, token, graphql.FULFILLMENTS_QUERY, {"id": node["id"]})
        fulfillments = ((more.get("order") or {}).get("fulfillments")) or fulfillments
    return {
        **node,
        "lineItems": items,
        "fulfillments": [_parcel_items(api, domain, token, f) for f in fulfillments],
    }


def _parcel_items(api: ShopifyApi, domain: str, token: str, f: dict[str, Any]) -> dict[str, Any]:
    items = f.get("fulfillmentLineItems") or {}
    after = graphql.next_cursor(items)
    while after:
        more = api.graphql(
            domain, token, graphql.FULFILLMENT_ITEMS_QUERY, {"id": f["id"], "after": after}
        )
        page = ((more.get("fulfillment") or {}).get("fulfillmentLineItems")) or {}
        items = {"nodes": [*items.get("nodes", []), *page.get("nodes", [])]}
        after = graphql.next_cursor(page)
    return {**f, "fulfillmentLineItems": items}


def _finish(api: ShopifyApi, shop: Shop, run: str) -> None:
    """Log the run's real query costs; remember which protected fields Shopify refused."""
    log.info(
        "shopify %s %s: %d queries, requested cost %.0f, actual cost %.0f",
        run,
        shop.domain,
        api.costs["queries"],
        api.costs["requested"],
        api.costs["actual"],
    )
    _save(shop, protected_fields_denied=sorted(api.denied))


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
