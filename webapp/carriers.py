"""Carrier pushes: `POST /carriers/<slug>/<shop_key>` for carriers that push (ReceivesPushes).

401 for a forged signature, 400 with the reason for a payload the carrier cannot read,
404 for an unknown shop or carrier, 200 otherwise (a repeated push too: it changes nothing).
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from core.services.pushes import receive_push

from .context import wismo
from .webhooks import inbound

bp = Blueprint("carriers", __name__)


@bp.post("/carriers/<slug>/<shop_key>")
def carrier_push(slug: str, shop_key: str):
    """Verify and apply one carrier push; the work it makes is queued."""
    done, unknown = receive_push(wismo(), slug, shop_key, inbound())
    return jsonify({"accepted": done.accepted, "duplicates": done.duplicates, "unknown": unknown})
