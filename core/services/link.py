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

REFUSALS_BROKEN = 3
"""Deliveries refused in a row (no good one between) that mean the link is broken."""

FAILED_ROUNDS_BROKEN = 2
"""Reconciliation rounds failed in a row that mean Wismo's calls to the store are refused."""

UNDELIVERED_BY = "undelivered"


def link_state(shop: Shop) -> dict[str, Any]:
    """A copy of what is known about the shop's link (received_at, refused_*)."""
    return dict((shop.state or {}).get("link") or {})


def put_link(shop: Shop, **changes: Any) -> None:
    """Merge `changes` into the shop's link state (a None value removes the key)."""
    merged = {k: v for k, v in {**link_state(shop), **changes}.items() if v is not None}
    shop.state = {**(shop.state or {}), "link": merged}
    flag_modified(shop, "state")


def note_refused(shop: Shop, reason: str, now: datetime | None = None) -> None:
    """Remember a delivery Wismo refused (bad signature, stale timestamp) and why."""
    state = link_state(shop)
    put_link(
        shop,
        refused_at=(now or utcnow()).isoformat(),
        refused_reason=reason[:200],
        refused_count=int(state.get("refused_count") or 0) + 1,
    )


def note_received(shop: Shop, now: datetime | None = None) -> bool:
    """Remember a verified delivery; True when the row changed (at most once a minute)."""
    now = now or utcnow()
    state = link_state(shop)
    last = state.get("received_at")
    troubled = state.get("refused_count") or state.get("undelivered_at")
    if last and not troubled and datetime.fromisoformat(last) > now - RECEIVED_EVERY:
        return False
    put_link(
        shop,
        received_at=now.isoformat(),
        refused_count=None,
        undelivered_at=None,
        undelivered_reason=None,
    )
    return True


def note_undelivered(shop: Shop, reason: str, now: datetime | None = None) -> None:
    """Remember that the store stopped delivering (e.g. WooCommerce disabled the webhooks)."""
    put_link(shop, undelivered_at=(now or utcnow()).isoformat(), undelivered_reason=reason[:200])


def link_trouble(shop: Shop) -> dict[str, Any] | None:
    """Why the link counts as broken now, or None: {"reason", "count" | "error"}.

    Broken means Wismo's calls to the store failed two reconciliation rounds in a row,
    or three deliveries in a row were refused, or the store stopped delivering and has
    delivered nothing since.
    """
    state = link_state(shop)
    whole = shop.state or {}
    if int(whole.get("reconcile_failures") or 0) >= FAILED_ROUNDS_BROKEN:
        return {"reason": "calls", "error": str(whole.get("reconcile_error") or "")}
    refused = int(state.get("refused_count") or 0)
    if refused >= REFUSALS_BROKEN:
        return {"reason": "refused", "count": refused}
    stopped, received = _aware(state.get("undelivered_at")), _aware(state.get("received_at"))
    if stopped is not None and (received is None or received < stopped):
        return {"reason": UNDELIVERED_BY, "error": str(state.get("undelivered_reason") or "")}
    return None


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
        "merchant_alerted_at": (state.get("alert") or {}).get("at"),
        "merchant_alert_error": state.get("alert_error"),
    }


def _aware(value: datetime | str | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands back naive ones)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
