"""What Shopify requires of every app: uninstall, and the three privacy webhooks.

`app/uninstalled` stops all sending and forgets the tokens; `customers/data_request`
gathers an export for the merchant; `customers/redact` erases the shopper;
`shop/redact` (48 hours after uninstall) purges the shop. Each is idempotent, and a
shop we never heard of simply has nothing to hand over or erase.
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


def shop_by_domain(session: Session, domain: str, active_only: bool = False) -> Shop | None:
    """The Shopify shop with this myshopify.com host."""
    query = select(Shop).where(Shop.platform == "shopify", Shop.domain == domain)
    if active_only:
        query = query.where(Shop.active.is_(True))
    return session.scalars(query.order_by(Shop.id).limit(1)).first()


def handle(c: Container, topic: str, domain: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Carry out one compliance or uninstall webhook; returns what was done."""
    with c.session() as s, s.begin():
        shop = shop_by_domain(s, domain)
        if shop is None:
            log.info("%s for unknown shop %s: nothing held", topic, domain)
            return {"topic": topic, "held": False}
        if topic == "app/uninstalled":
            shop.active = False
            drop_tokens(c.box, shop)
            shop.state = {**(shop.state or {}), "uninstalled_at": utcnow().isoformat()}
            return {"topic": topic, "held": True, "active": False}
        if topic == "shop/redact":
            purge_shop(s, shop.id)
            return {"topic": topic, "held": True, "purged": True}
        subject = _subject(data)
        if topic == "customers/data_request":
            ref = str((data.get("data_request") or {}).get("id") or "") or None
            existing = ref and s.scalar(
                select(DataExport.id).where(
                    DataExport.shop_id == shop.id, DataExport.request_ref == ref
                )
            )
            export_id = existing or export_customer(s, shop.id, subject, ref).id
            return {"topic": topic, "held": True, "export_id": export_id}
        done = redact_customer(s, shop.id, subject)
        return {"topic": topic, "held": True, "customers": done.customers, "orders": done.orders}


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
