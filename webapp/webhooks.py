"""Platform webhooks: `POST /webhooks/<platform>/<shop_key>` for every registered adapter.

The adapter (found under the `wismo.adapters` entry point group) verifies the raw
body against the shop's secrets and translates it; this route stores each event
idempotently and hands it to the queue. An adapter with needs of its own (Shopify's
one app-wide URL, OAuth, the app proxy) also exposes a Flask `blueprint`, which the
app factory registers.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, make_response, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.adapters import InboundRequest
from core.domain.intake import InvalidEvent
from core.errors import InvalidSignature, UnknownShop
from core.plugins import ADAPTERS, load_plugins
from core.services.link import note_received, note_refused
from core.services.pipeline import accept_event, reject_event
from core.storage.models import Shop

from .api import enqueue_safely
from .context import wismo

bp = Blueprint("webhooks", __name__)


def inbound() -> InboundRequest:
    """The current request as adapters see it: raw bytes, headers, query string."""
    return InboundRequest(
        body=request.get_data(cache=True),
        headers=dict(request.headers),
        query=request.args.to_dict(),
    )


@bp.post("/webhooks/<platform>/<shop_key>")
def platform_webhook(platform: str, shop_key: str):
    """Verify, translate and store one platform delivery; answer fast, work later."""
    adapter_cls = load_plugins(ADAPTERS).loaded.get(platform)
    if adapter_cls is None or platform == "api":
        raise UnknownShop(f"no adapter for platform {platform!r}")
    c = wismo()
    raw = inbound()
    with c.session() as session:
        shop = session.scalars(
            select(Shop).where(Shop.key == shop_key, Shop.platform == platform)
        ).one_or_none()
        if shop is None or not shop.active:
            raise UnknownShop("no such shop")
        adapter = adapter_cls()  # type: ignore[operator]
        try:
            adapter.verify(raw, c.box.open(shop.secrets))
        except InvalidSignature as exc:  # shown to the merchant, not only in the access log
            note_refused(shop, str(exc))
            session.commit()
            raise
        try:
            events = adapter.parse(raw, shop.settings or {})
        except InvalidEvent as exc:
            return rejected(session, shop.id, platform, exc)
        accepted = [accept_event(session, shop.id, event) for event in events]
        if note_received(shop):
            session.commit()
    fresh = [a.event_id for a in accepted if not a.duplicate]
    for event_id in fresh:
        enqueue_safely(event_id)
    return jsonify({"accepted": len(fresh), "duplicates": len(accepted) - len(fresh)}), 200


def rejected(session: Session, shop_id: int, source: str, exc: InvalidEvent) -> Response:
    """Record a delivery refused at intake (the merchant sees it) and answer 200 with why.

    A 4xx would make the platform retry the same bad data, then disable the webhook.
    """
    reject_event(session, shop_id, source, exc)
    body = {"accepted": 0, "duplicates": 0, "rejected": 1, "errors": exc.errors}
    return make_response(jsonify(body), 200)
