"""The event API: `POST /api/v1/orders/events`, and its OpenAPI description."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request

from adapters.api import ApiAdapter
from core.adapters import InboundRequest
from core.errors import InvalidSignature
from core.services.pipeline import accept_event

from .context import wismo
from .openapi import openapi_document

bp = Blueprint("api", __name__)
log = logging.getLogger(__name__)


def enqueue_safely(event_id: int) -> None:
    """Hand the event to the queue; if Redis is down the relay picks it up later."""
    try:
        wismo().queue.enqueue("process_event", event_id)
    except Exception as exc:  # the event is committed: losing the fast path loses nothing
        log.warning("could not enqueue event %s (%s); the relay will", event_id, exc)


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
        (event,) = ApiAdapter().parse(raw, {})
        accepted = accept_event(session, shop_id, event)
    if accepted.duplicate:
        return jsonify({"event_id": event.event_key, "duplicate": True}), 200
    enqueue_safely(accepted.event_id)
    return jsonify({"event_id": event.event_key, "duplicate": False, "accepted": True}), 202


@bp.get("/openapi.json")
def openapi():
    """The event API described as OpenAPI 3.1."""
    return jsonify(openapi_document(wismo().settings.public_url))
