"""Carrier pushes: `POST /carriers/<slug>/<shop_key>` verified, parsed and applied.

The carrier plug-in checks its own signature over the raw body and parses its own
payload; the updates then go the same way as polled ones (`following.apply_update`), so a
push and a poll of the same scan are one event.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.adapters import InboundRequest
from core.carriers.base import CarrierContext, ReceivesPushes
from core.carriers.schedule import PollPolicy
from core.errors import UnknownShop
from core.storage.clock import utcnow
from core.storage.models import Shop

from . import following as f
from .deps import CarrierDeps


def receive_push(
    c: CarrierDeps,
    slug: str,
    shop_key: str,
    raw: InboundRequest,
    now: datetime | None = None,
    policy: PollPolicy | None = None,
) -> tuple[f.Applied, int]:
    """Apply a verified push; (what it did, how many of its numbers we do not follow)."""
    now = now or utcnow()
    policy = policy or PollPolicy()
    cls = f.carrier_classes().get(slug)
    if cls is None or not cls.metadata.pushes:
        raise UnknownShop(f"no carrier {slug!r} that pushes is installed")
    with c.session() as s:
        shop = s.scalars(select(Shop).where(Shop.key == shop_key)).one_or_none()
        if shop is None or not shop.active:
            raise UnknownShop("no such shop")
        carrier = cls.from_config(f.carrier_config(c, shop, slug) or {}, CarrierContext())
        if not isinstance(carrier, ReceivesPushes):
            raise UnknownShop(f"carrier {slug!r} takes no pushes")
        carrier.verify_push(raw, c.box.open(shop.secrets))
        updates = carrier.parse_push(raw)
        shop_id = shop.id
        f.discover(c, s, now, policy, shop_id)  # a parcel shipped a moment ago is followed
        ids = f.find_parcels(s, shop_id, [u.number for u in updates])
    unknown = sum(1 for u in updates if u.number not in ids)  # find_parcels keys by these
    items = [(pid, u) for u in updates for pid in ids.get(u.number, [])]
    return f.apply_updates(c, items, now, policy), unknown
