"""The event API: `POST /api/v1/orders/events`, and its OpenAPI description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from core import registry
from core.adapters import InboundRequest
from core.errors import InvalidSignature, UnknownShop
from core.services.ingest import ingest

from .context import wismo
from .openapi import openapi_document

bp = Blueprint("api", __name__)


def event_api() -> Any:
    """The event API's adapter (`api` in `wismo.adapters`), found like any other."""
    found = registry.adapter("api")
    if found is None:
        raise UnknownShop("the event API adapter is not installed")
    return found.plugin()


@bp.post("/api/v1/orders/events")
def post_event():
    """Accept one order status change from the shop's own systems."""
    auth = request.headers.get("Authorization", "")
    scheme, _, key = auth.partition(" ")
    c = wismo()
    with c.session() as session:
        shop_id = c.shop_keys.shop_id(session, key.strip()) if scheme.lower() == "bearer" else None
        if shop_id is None:
            raise InvalidSignature(
                "a valid shop API key is required: Authorization: Bearer wsk_..."
            )
        raw = InboundRequest(body=request.get_data(), headers=dict(request.headers))
        (event,) = event_api().parse(raw, {})
        result = ingest(session, c.queue, shop_id, [event])
    if result.duplicates:
        return jsonify({"event_id": event.event_key, "duplicate": True}), 200
    return jsonify({"event_id": event.event_key, "duplicate": False, "accepted": True}), 202


@bp.get("/openapi.json")
def openapi():
    """The event API described as OpenAPI 3.1."""
    return jsonify(openapi_document(wismo().settings.public_url))
