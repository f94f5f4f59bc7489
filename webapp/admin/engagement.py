"""Public routes for email engagement: the open pixel and tracked links (/o, /c)."""

from __future__ import annotations

import base64

from flask import Blueprint, Response, abort, redirect
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from core.services.engagement import CLICK, OPEN, record_click, record_open, tracked_links
from core.storage.models import Notification

from ..context import wismo

bp = Blueprint("engagement", __name__)

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _note(s: Session, purpose: str, token: str, size: int) -> tuple[Notification, list[int | str]]:
    ids = wismo().links.read(purpose, token)
    if not ids or len(ids) != size:
        abort(404)
    note = s.get(Notification, ids[0])
    if note is None:
        abort(404)
    return note, ids


@bp.route("/o/<token>.gif")
def opened(token: str) -> ResponseReturnValue:
    """The 1x1 image at the bottom of a tracked email: loading it is an open."""
    with wismo().session() as s, s.begin():
        note, _ = _note(s, OPEN, token, 1)
        record_open(s, note)
    return Response(PIXEL, mimetype="image/gif", headers={"Cache-Control": "no-store, private"})


@bp.route("/c/<token>")
def clicked(token: str) -> ResponseReturnValue:
    """A tracked link: record the click, then go where the message pointed."""
    with wismo().session() as s, s.begin():
        note, ids = _note(s, CLICK, token, 2)
        urls = tracked_links(note.body_html or "")
        index = ids[1]
        if not isinstance(index, int) or not 0 <= index < len(urls):
            abort(404)
        url = urls[index]
        record_click(s, note, url)
    response = redirect(url, 302)
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
