"""Platform webhooks: `POST /webhooks/<platform>/<shop_key>` for every registered adapter.

The adapter (found under the `wismo.adapters` entry point group) verifies the raw
body against the shop's secrets and translates it; this route stores each event
idempotently and hands it to the queue. An adapter with needs of its own (Shopify's
one app-wide URL, OAuth, the app proxy) also exposes a Flask `blueprint`, which the
app factory registers.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import select

from core import registry
from core.domain.intake import InvalidEvent
from core.errors import InvalidSignature, UnknownShop
from core.services.ingest import ingest
from core.services.link import note_received, note_refused
from core.shop_settings import settings_of
from core.storage.models import Shop
from wismo.sdk.web import inbound
from wismo.sdk.web import refused_at_intake as rejected

from .context import wismo

bp = Blueprint("webhooks", __name__)


@bp.post("/webhooks/<platform>/<shop_key>")
def platform_webhook(platform: str, shop_key: str):
    """Verify, translate and store one platform delivery; answer fast, work later."""
    found, meta = registry.adapter(platform), registry.adapter_metadata(platform)
    if found is None or meta is None or not meta.webhooks:
        raise UnknownShop(f"no adapter for platform {platform!r}")
    adapter_cls = found.plugin
    c = wismo()
    raw = inbound()
    with c.session() as session:
        shop = session.scalars(
            select(Shop).where(Shop.key == shop_key, Shop.platform == platform)
        ).one_or_none()
        if shop is None or not shop.active:
            raise UnknownShop("no such shop")
        adapter = adapter_cls()
        secrets = {**c.settings.platform_secrets(platform), **c.box.open(shop.secrets)}
        try:
            adapter.verify(raw, secrets)
        except InvalidSignature as exc:  # shown to the merchant, not only in the access log
            note_refused(shop, str(exc))
            session.commit()
            raise
        try:
            events = adapter.parse(raw, settings_of(shop).stored())
        except InvalidEvent as exc:
            return rejected(session, shop.id, platform, exc)
        note_received(shop)  # committed with the events
        result = ingest(session, c.queue, shop.id, events)
    return jsonify({"accepted": result.accepted, "duplicates": result.duplicates}), 200
