"""`wismo backfill`: import a shop's open orders through its platform adapter."""

from __future__ import annotations

from datetime import timedelta

import click
from tqdm import tqdm

from core import registry
from core.bootstrap import Container
from core.services.ingest import Ingested, ingest
from core.services.shops import shop_by_key
from core.storage.clock import utcnow


def run_backfill(c: Container, shop_key: str, days: int) -> None:
    """Feed every open order the platform reports into the pipeline (duplicates are harmless)."""
    with c.session() as s:
        shop = shop_by_key(s, shop_key)
        if shop is None:
            raise click.ClickException(
                f"no active shop with key {shop_key!r} (see `wismo shops list`)"
            )
        found = registry.adapter(shop.platform)
        if found is None or not found.can("backfills"):
            raise click.ClickException(
                f"{shop.platform} shops have no platform to import from: their systems push events "
                "to POST /api/v1/orders/events"
                if (meta := registry.adapter_metadata(shop.platform)) and not meta.webhooks
                else f"the installed {shop.platform} adapter cannot backfill"
            )
        since = utcnow() - timedelta(days=days)
        result = Ingested()
        with tqdm(desc=f"importing {shop.name}", unit=" orders") as bar:
            for total, events in found.plugin.backfill(c, shop, since):
                bar.total = total
                result += ingest(s, c.queue, shop.id, events)
                bar.update(1)
    click.echo(f"{result.accepted} event(s) imported, {result.duplicates} already known.")
