"""Short tracking links (`/t/<code>`) for SMS and messengers, where every character costs.

The signed link (`/track/<token>`) is ~75 characters: in a Cyrillic SMS (UCS-2, 67 a
part) it alone fills more than a segment. A short link is a random code stored per
order (one per order, reused by every later message); `GET /t/<code>` redirects to the
signed page. The code carries no ids: it can only be guessed, and guessing is
rate-limited (webapp/limits.py).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.links import Links
from core.storage.clock import utcnow
from core.storage.models import ShortLink
from core.storage.upsert import insert_ignore

CODE_LENGTH = 8
"""62**8 ≈ 2·10^14 codes: unguessable at the rate limit, short enough for an SMS."""
ALPHABET = string.ascii_letters + string.digits
SAMPLE_CODE = "Ab3dE9xk"
"""A code of the real length, for previews of messages that carry a short link."""


def new_code() -> str:
    """A fresh random code (URL-safe, case-sensitive)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_for(session: Session, shop_id: int, order_id: int) -> str:
    """The order's short code, created on first use (safe when two workers race)."""
    query = select(ShortLink.code).where(
        ShortLink.shop_id == shop_id, ShortLink.order_id == order_id
    )
    for _ in range(5):  # a new code colliding with another order's is rare; try another
        code = session.scalar(query)
        if code:
            return code
        session.execute(
            insert_ignore(session, ShortLink).values(
                shop_id=shop_id, order_id=order_id, code=new_code(), created_at=utcnow()
            )
        )
    code = session.scalar(query)
    if not code:
        raise RuntimeError(f"could not store a short link for order {order_id}")
    return code


def resolve(session: Session, code: str) -> tuple[int, int] | None:
    """The (shop id, order id) a short code stands for, or None."""
    if len(code) != CODE_LENGTH or not all(ch in ALPHABET for ch in code):
        return None
    row = session.execute(
        select(ShortLink.shop_id, ShortLink.order_id).where(ShortLink.code == code)
    ).first()
    return (row.shop_id, row.order_id) if row else None


def link_facts(session: Session, links: Links, shop_id: int, order_id: int) -> dict[str, Any]:
    """The tracking and feedback links for a short message, using the order's short code."""
    return sample_link_facts(links, code_for(session, shop_id, order_id))


def sample_link_facts(links: Links, code: str = SAMPLE_CODE) -> dict[str, Any]:
    """The short links for `code` (a real length for previews when no order is at hand)."""
    url = links.short_url(code)
    # a fragment survives the redirect, so the page still opens at its feedback form
    return {"tracking_link": url, "feedback_link": f"{url}#feedback"}
