"""Catching up with the store: reconciliation of missed webhooks, and the first backfill.

WooCommerce never retries a failed delivery and disables a webhook after a handful of
failures, so every `RECONCILE_INTERVAL` the scheduler (core/services/periodic.py) asks
for the orders modified since the last one seen, re-creates any webhook WooCommerce
disabled, and advances the cursor in `shop.state` page by page. Every event goes through
the same idempotent pipeline as a webhook, so seeing an order twice is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from core.domain.events import BACKFILL, OrderEventIn
from core.services.link import note_undelivered
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Shop

from .api import WooApiError
from .connect import client_for, gmt_text, is_linked, put_state, sync_webhooks, woo_state
from .orders import gmt, order_events

if TYPE_CHECKING:
    from core.bootstrap import Container

log = logging.getLogger(__name__)
RECONCILE_INTERVAL = 600
OVERLAP = timedelta(seconds=1)  # modified_after is exclusive; re-read the last second


def reconcile(c: Container, shop: Shop) -> Iterator[OrderEventIn]:
    """The events for orders changed since the cursor; the cursor moves after each page."""
    if not is_linked(c, shop):  # nothing to catch up with yet: no error every 10 minutes
        return
    try:
        recreated = sync_webhooks(c, shop)
        if recreated:
            log.warning("shop %s: re-created disabled webhooks %s", shop.key, recreated)
            # the store had stopped delivering: the merchant hears of it until it delivers again
            note_undelivered(shop, "WooCommerce had turned off " + ", ".join(recreated))
    except WooApiError as exc:  # orders may still be readable; say why and carry on
        log.warning("shop %s: could not check webhooks: %s", shop.key, exc)
    cursor = woo_state(shop).get("cursor")
    start = gmt(cursor) if cursor else None
    if start is None:
        start = utcnow() - timedelta(seconds=RECONCILE_INTERVAL * 2)
    client = client_for(c, shop)
    latest = start
    for page in client.orders_since(gmt_text(start - OVERLAP)):
        for order in page.orders:
            yield from order_events(order, "rest", settings_of(shop).stored())
            latest = max(latest, gmt(order.get("date_modified_gmt")) or latest)
        put_state(shop, cursor=gmt_text(latest))


def backfill(c: Container, shop: Shop, since: datetime) -> Iterator[tuple[int, list[OrderEventIn]]]:
    """Open orders created since `since`, one order at a time with the total, for a progress bar.

    Only the current status of each is imported, marked `backfill` (no belated
    confirmation for an order already being prepared).
    """
    client = client_for(c, shop)
    for page in client.open_orders(gmt_text(since)):
        for order in page.orders:
            events = order_events(order, "rest", settings_of(shop).stored(), with_placed=False)
            yield page.total, [replace(e, extra={**e.extra, BACKFILL: True}) for e in events]
