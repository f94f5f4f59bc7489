"""What Shopify requires of every app: uninstall, and the three privacy webhooks.

`app/uninstalled` stops all sending and forgets the tokens, at once, in the request.
The privacy requests are acknowledged within Shopify's 5 s and done in a job, however
large the shop: `defer` keeps the request on the shop row (deduplicated by
X-Shopify-Webhook-Id) and `run_pending`, the job, carries each out and removes it.
`customers/data_request` gathers an export for the merchant; `customers/redact` erases
the shopper; `shop/redact` (48 hours after uninstall) purges the shop. Each is
idempotent, and a shop we never heard of simply has nothing to hand over or erase.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.services.privacy import Subject, export_customer, purge_shop, redact_customer
from core.storage.clock import utcnow
from core.storage.models import DataExport, Shop

from .tokens import drop_tokens

if TYPE_CHECKING:
    from core.bootstrap import Container

log = logging.getLogger(__name__)
TOPICS = frozenset({"app/uninstalled", "customers/data_request", "customers/redact", "shop/redact"})
PENDING = "compliance_pending"  # in shop.state["shopify"]: privacy requests the job has yet to do


def shop_by_domain(session: Session, domain: str, active_only: bool = False) -> Shop | None:
    """The Shopify shop with this myshopify.com host."""
    query = select(Shop).where(Shop.platform == "shopify", Shop.domain == domain)
    if active_only:
        query = query.where(Shop.active.is_(True))
    return session.scalars(query.order_by(Shop.id).limit(1)).first()


def defer(c: Container, topic: str, domain: str, data: Mapping[str, Any], key: str) -> int | None:
    """Keep a privacy request for the job; the shop's id (None: we hold nothing of it)."""
    with c.session() as s, s.begin():
        shop = shop_by_domain(s, domain)
        if shop is None:
            log.info("%s for unknown shop %s: nothing held", topic, domain)
            return None
        s.refresh(shop, with_for_update=True)  # two requests at once must not lose one
        info = dict((shop.state or {}).get("shopify") or {})
        pending = list(info.get(PENDING) or [])
        if all(p.get("key") != key for p in pending):
            pending.append({"key": key, "topic": topic, "data": dict(data)})
        shop.state = {**(shop.state or {}), "shopify": {**info, PENDING: pending}}
        return shop.id


def run_pending(c: Container, shop_id: int) -> int:
    """The job: carry out the shop's kept privacy requests one by one; how many were done."""
    done = 0
    while True:
        with c.session() as s, s.begin():
            shop = s.get(Shop, shop_id, with_for_update=True)
            pending = (
                list((((shop.state or {}).get("shopify") or {}).get(PENDING)) or []) if shop else []
            )
            if shop is None or not pending:
                return done
            request = pending[0]
            handle(c, s, shop, request["topic"], request["data"])
            if request["topic"] != "shop/redact":  # a purged shop has no row left to update
                info = dict((shop.state or {}).get("shopify") or {})
                info[PENDING] = [
                    p for p in info.get(PENDING) or [] if p.get("key") != request["key"]
                ]
                shop.state = {**(shop.state or {}), "shopify": info}
        done += 1


def uninstall(c: Container, domain: str) -> dict[str, Any]:
    """app/uninstalled: stop sending and forget the tokens, at once."""
    with c.session() as s, s.begin():
        shop = shop_by_domain(s, domain)
        if shop is None:
            return {"topic": "app/uninstalled", "held": False}
        handle(c, s, shop, "app/uninstalled", {})
        return {"topic": "app/uninstalled", "held": True, "active": False}


def handle(
    c: Container, s: Session, shop: Shop, topic: str, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Carry out one compliance or uninstall webhook for `shop` in session `s`."""
    if topic == "app/uninstalled":
        shop.active = False
        drop_tokens(c.box, shop)
        shop.state = {**(shop.state or {}), "uninstalled_at": utcnow().isoformat()}
        return {"topic": topic, "active": False}
    if topic == "shop/redact":
        purge_shop(s, shop.id)
        return {"topic": topic, "purged": True}
    subject = _subject(data)
    if topic == "customers/data_request":
        ref = str((data.get("data_request") or {}).get("id") or "") or None
        existing = ref and s.scalar(
            select(DataExport.id).where(
                DataExport.shop_id == shop.id, DataExport.request_ref == ref
            )
        )
        export_id = existing or export_customer(s, shop.id, subject, ref).id
        return {"topic": topic, "export_id": export_id}
    done = redact_customer(s, shop.id, subject)
    return {"topic": topic, "customers": done.customers, "orders": done.orders}


def _subject(data: Mapping[str, Any]) -> Subject:
    value = data.get("customer")
    customer: dict[str, Any] = value if isinstance(value, dict) else {}
    orders = data.get("orders_to_redact") or data.get("orders_requested") or []
    return Subject(
        email=customer.get("email") or None,
        phone=customer.get("phone") or None,
        external_id=str(customer["id"]) if customer.get("id") else None,
        order_ids=tuple(str(o) for o in orders if o is not None),
    )
