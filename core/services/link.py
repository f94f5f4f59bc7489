"""The health of a store's link to Wismo, as the merchant needs to see it.

A store plug-in that lost its link (a mistyped secret, keys revoked, webhooks refused)
used to look "connected" while every delivery was turned away with a 401 that only the
access log knew of. Each refused delivery is recorded here, per shop, in
`shop.state["link"]`; the plug-ins' Test buttons and the admin show it beside the last
delivery received and the last reconciliation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from core.storage.clock import utcnow
from core.storage.models import OrderEvent, Shop

RECEIVED_EVERY = timedelta(seconds=60)
"""How stale `received_at` may get before a delivery rewrites it (one write a minute at most)."""


def link_state(shop: Shop) -> dict[str, Any]:
    """A copy of what is known about the shop's link (received_at, refused_*)."""
    return dict((shop.state or {}).get("link") or {})


def _put(shop: Shop, **changes: Any) -> None:
    shop.state = {**(shop.state or {}), "link": {**link_state(shop), **changes}}
    flag_modified(shop, "state")


def note_refused(shop: Shop, reason: str, now: datetime | None = None) -> None:
    """Remember a delivery Wismo refused (bad signature, stale timestamp) and why."""
    state = link_state(shop)
    _put(
        shop,
        refused_at=(now or utcnow()).isoformat(),
        refused_reason=reason[:200],
        refused_count=int(state.get("refused_count") or 0) + 1,
    )


def note_received(shop: Shop, now: datetime | None = None) -> bool:
    """Remember a verified delivery; True when the row changed (at most once a minute)."""
    now = now or utcnow()
    last = link_state(shop).get("received_at")
    if last and datetime.fromisoformat(last) > now - RECEIVED_EVERY:
        return False
    _put(shop, received_at=now.isoformat(), refused_count=0)
    return True


def link_report(session: Session, shop: Shop) -> dict[str, Any]:
    """Last delivery received, last refusal and last reconciliation, for plug-ins and admin."""
    state = link_state(shop)
    last_event = session.scalar(
        select(func.max(OrderEvent.received_at)).where(OrderEvent.shop_id == shop.id)
    )
    times = [_aware(state.get("received_at")), _aware(last_event)]
    received = max((t for t in times if t is not None), default=None)
    return {
        "last_received_at": received.isoformat() if received else None,
        "last_refused_at": state.get("refused_at"),
        "last_refused_reason": state.get("refused_reason"),
        "refused_since_last_received": int(state.get("refused_count") or 0),
        "reconciled_at": (shop.state or {}).get("reconciled_at"),
        "reconcile_error": (shop.state or {}).get("reconcile_error"),
    }


def _aware(value: datetime | str | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands back naive ones)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
