"""`wismo shops add --platform woocommerce --url --consumer-key --consumer-secret`: link at once.

For self-hosters: the keys come from WooCommerce -> Settings -> Advanced -> REST API
(read/write). They are sealed with the shop's secrets, the webhooks are registered
right away (so a wrong key or URL is reported here, not later), and the merchant is told
what is left: the plugin for the storefront widget, and the backfill.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from sqlalchemy.orm import Session

from core.errors import ConfigError
from core.storage.models import Shop

from .connect import delivery_url, store_keys, sync_webhooks, woo_state

if TYPE_CHECKING:
    from core.bootstrap import Container


def connect_from_cli(
    c: Container,
    session: Session,
    shop: Shop,
    store_url: str | None,
    consumer_key: str | None,
    consumer_secret: str | None,
) -> dict[str, Any]:
    """Store the keys and register the webhooks; a ClickException says what is wrong."""
    if not (store_url and consumer_key and consumer_secret):
        raise click.ClickException(
            "to link a WooCommerce store give all three: --url, --consumer-key, --consumer-secret"
        )
    try:
        store_keys(c, shop, store_url, consumer_key, consumer_secret)
        session.commit()
        sync_webhooks(c, shop)
        session.commit()
    except ConfigError as exc:
        session.commit()  # the shop and its keys stay; reconciliation retries the webhooks
        return {"connected": False, "error": str(exc), "delivery_url": delivery_url(c, shop)}
    return {
        "connected": True,
        "webhooks": woo_state(shop).get("webhooks"),
        "delivery_url": delivery_url(c, shop),
    }


def echo_next_steps(out: dict[str, Any]) -> None:
    """What the merchant does next, after `shops add` linked (or failed to link) the store."""
    woo = out["woocommerce"]
    if woo["connected"]:
        click.echo(
            f"  linked:          webhooks {', '.join(woo['webhooks'])} -> {woo['delivery_url']}"
        )
    else:
        click.echo(f"  NOT linked yet:  {woo['error']}")
        click.echo("                   (the keys are saved; reconciliation retries every 10 min)")
    click.echo("Next:")
    click.echo(f"  1. wismo backfill --shop {out['shop_key']}     import the open orders")
    click.echo(
        "  2. wismo plugins build --out dist          then in wp-admin: Plugins -> Add New ->"
    )
    click.echo("     Upload wismo-woocommerce.zip; in WooCommerce -> Wismo enter this Wismo's URL,")
    click.echo("     the shop key and the webhook secret above, for the live status on My Account.")
