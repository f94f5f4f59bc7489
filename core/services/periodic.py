"""Periodic platform work the scheduler runs: reconciliation of missed webhooks.

Shopify does not guarantee delivery and WooCommerce never retries, so an adapter
may offer `reconcile(c, shop)`: it yields the canonical events for orders changed
since its cursor (kept in `shop.state`, which it may update). Every event goes
through the same idempotent `ingest` as a webhook, so overlap is harmless.
An adapter sets `reconcile_interval` (seconds, default 600) to pace itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified

from core import registry
from core.domain.events import OrderEventIn
from core.errors import ConfigError
from core.queue import JobQueue
from core.storage.clock import utcnow
from core.storage.models import Shop

from .ingest import ingest

log = logging.getLogger(__name__)
DEFAULT_INTERVAL = 600


@dataclass(frozen=True)
class ReconcileReport:
    """Shops looked at, events new to us, events we already had, shops that failed."""

    shops: int = 0
    accepted: int = 0
    duplicates: int = 0
    failed: int = 0


def reconcile_tick(
    sessions: sessionmaker[Session],
    queue: JobQueue,
    adapter_deps: object,
    now: datetime | None = None,
) -> ReconcileReport:
    """Run each due shop's adapter reconciliation; one shop's failure never stops the rest.

    `adapter_deps` is what adapters' `reconcile(deps, shop)` receive (the process's
    container today; the plug-in SDK names what they may use).
    """
    now = now or utcnow()
    adapters = registry.adapters("reconciles")
    if not adapters:
        return ReconcileReport()
    with sessions() as s:
        shop_ids = s.scalars(
            select(Shop.id).where(Shop.active.is_(True), Shop.platform.in_(adapters))
        ).all()
    shops = accepted = duplicates = failed = 0
    for shop_id in shop_ids:
        with sessions() as s:
            shop = s.get(Shop, shop_id)
            if shop is None:
                continue
            found = adapters[shop.platform]
            adapter = found.plugin
            meta = registry.adapter_metadata(shop.platform)
            interval = meta.reconcile_interval if meta else DEFAULT_INTERVAL
            last = (shop.state or {}).get("reconciled_at")
            if last and datetime.fromisoformat(last) > now - timedelta(seconds=interval):
                continue
            shops += 1
            events: list[OrderEventIn] = []
            error = None
            try:
                for event in adapter.reconcile(adapter_deps, shop):
                    events.append(event)
            except ConfigError as exc:  # not linked yet, keys refused: the merchant's to fix
                failed += 1
                error = str(exc)
                log.warning("reconciliation of shop %s failed: %s", shop.key, exc)
            except Exception as exc:
                failed += 1
                error = str(exc) or type(exc).__name__
                log.exception("reconciliation of shop %s (%s) failed", shop.key, shop.platform)
            if error is not None:
                s.rollback()  # the adapter's half-moved cursor; what it found is still taken
                shop = s.get(Shop, shop_id)
                assert shop is not None
            failures = int((shop.state or {}).get("reconcile_failures") or 0)
            shop.state = {
                **(shop.state or {}),
                "reconciled_at": now.isoformat(),
                "reconcile_error": error[:300] if error else None,
                # rounds failed in a row: one failure is a blip, two the merchant hears of
                "reconcile_failures": failures + 1 if error else 0,
            }
            flag_modified(shop, "state")
            result = ingest(s, queue, shop.id, events)  # commits the state with the events
        accepted += result.accepted
        duplicates += result.duplicates
    return ReconcileReport(shops, accepted, duplicates, failed)
