"""An order as plain JSON for the widget, chat answers and support tools.

Minimal personal data: the shopper's first name, never their email, phone or address.
"""

from __future__ import annotations

from datetime import date, tzinfo
from typing import Any

from babel.dates import format_skeleton
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.statuses import RETURN_PATH, Status
from core.i18n import NP_
from core.links import Links
from core.rendering import format_day_range, status_description, status_label
from core.rendering.hours import opening_hours, window_of, window_span
from core.rendering.moments import format_moment, shopper_zone
from core.shop_settings import settings_of
from core.storage.models import Notification, Order, OrderEvent, Shipment, Shop

from .contacts import name_on
from .scans import SHOWN, parcel_scans, scans_of
from .tracking_links import tracking_url


def _status(value: str | None) -> Status | None:
    try:
        return Status(value) if value else None
    except ValueError:
        return None


def milestones(session: Session, order: Order) -> list[OrderEvent]:
    """The events that moved the order (newest first); stale and repeated ones are left out."""
    return list(
        session.scalars(
            select(OrderEvent)
            .where(
                OrderEvent.shop_id == order.shop_id,
                OrderEvent.order_id == order.id,
                OrderEvent.outcome.in_(("applied", "overlay")),
            )
            .order_by(OrderEvent.occurred_at.desc(), OrderEvent.id.desc())
        )
    )


def expected_date(order: Order) -> date | None:
    """When the order should arrive: the latest date of a parcel still on its way."""
    status = _status(order.status)
    if status in (Status.DELIVERED, Status.CANCELLED, *RETURN_PATH):
        return None
    open_dates = [
        p.estimated_delivery
        for p in order.shipments
        if p.estimated_delivery and p.status != Status.DELIVERED
    ]
    return max(open_dates) if open_dates else order.estimated_delivery


def expected_from(order: Order, edd: date | None) -> date | None:
    """The first day of the order's promised range, when `edd` is that range's last day."""
    if edd is None or edd != order.estimated_delivery or order.estimated_earliest is None:
        return None
    return order.estimated_earliest if order.estimated_earliest < edd else None


def _label(value: str | None, locale: str) -> str | None:
    st = _status(value)
    return status_label(st, locale) if st else None


def _shipment(p: Shipment, locale: str, zone: tzinfo) -> dict[str, Any]:
    url = p.tracking_url if (p.tracking_url or "").startswith(("https://", "http://")) else None
    status = _status(p.status)
    window = window_of(p.delivery_window) if status == Status.OUT_FOR_DELIVERY else None
    return {
        "carrier": p.carrier,
        "tracking_number": p.tracking_number,
        "tracking_url": url,
        "status": p.status,
        "status_label": _label(p.status, locale),
        "estimated_delivery": p.estimated_delivery.isoformat() if p.estimated_delivery else None,
        "pickup_point": _point(p, status, locale),
        "delivery_window": window
        and {
            "from": window[0].isoformat(),
            "to": window[1].isoformat(),
            "text": window_span(p.delivery_window, zone, locale),
        },
    }


def _point(p: Shipment, status: Status | None, locale: str) -> dict[str, Any] | None:
    """The pickup point with its hours in the shopper's language and its last day worded
    ("Pick up by 8 Dec"), none once the parcel is collected or on its way back."""
    point = p.pickup_point if isinstance(p.pickup_point, dict) else None
    if not point:
        return None
    out = {k: point.get(k) for k in ("name", "address", "keep_until") if point.get(k)}
    hours = opening_hours(point, locale)
    if hours:
        out["hours"] = hours
    day = _day(point.get("keep_until"))
    if day is None or status in (Status.DELIVERED, *RETURN_PATH):
        out.pop("keep_until", None)
    else:
        out["keep_until_text"] = PICK_UP_BY(locale, day=format_skeleton("MMMd", day, locale=locale))
    return out


PICK_UP_BY = NP_("widget", "Pick up by {day}")
"""The last free day at a pickup point, as the widget says it."""


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def order_summary(
    session: Session, order: Order, locale: str, links: Links, source: str | None = None
) -> dict[str, Any]:
    """The order's status, dates, parcels and timeline, worded for `locale`."""
    status = _status(order.status) or Status.PLACED
    overlay = _status(order.overlay)
    edd = expected_date(order)
    name = name_on(order) or ""
    url = tracking_url(links, order)
    shop = session.get(Shop, order.shop_id)
    shop_zone = settings_of(shop).timezone if shop is not None else None
    zone = shopper_zone(order.customer.timezone if order.customer else None, shop_zone)
    parcels = [p.external_id for p in order.shipments]
    scans = parcel_scans(session, order)
    return {
        "number": order.number,
        "locale": locale,
        "first_name": name.split()[0] if name.split() else None,
        "status": status.value,
        "status_label": status_label(status, locale),
        "description": status_description(status, locale),
        "overlay": overlay
        and {
            "status": overlay.value,
            "label": status_label(overlay, locale),
            "reason": order.reason,
        },
        "reason": order.reason if status == Status.CANCELLED else None,
        "estimated_delivery": edd.isoformat() if edd else None,
        "estimated_delivery_from": (start := expected_from(order, edd)) and start.isoformat(),
        "estimated_delivery_text": format_day_range(start, edd, locale) if edd else None,
        "shipments": [
            {
                **_shipment(p, locale, zone),
                "scans": [_scan(sc) for sc in scans_of(scans, p.id, locale, zone)[:SHOWN]],
            }
            for p in order.shipments
        ],
        "time_zone": str(zone),  # the times below are worded in it (docs/tracking.md)
        "timeline": [
            {
                "status": e.status,
                "label": _label(e.status, locale),
                "at": e.occurred_at.isoformat(),
                "at_text": format_moment(e.occurred_at, zone, locale),
                **_parcel_of(parcels, e.shipment_external_id, locale),
            }
            for e in milestones(session, order)
            if _status(e.status)
        ],
        "tracking_url": f"{url}?src={source}" if source else url,
    }


def _scan(view: dict[str, Any]) -> dict[str, Any]:
    """A scan named like the timeline: `at` in ISO 8601, `at_text` worded in the zone."""
    return {
        "at": view["iso"],
        "at_text": view["at"],
        **{k: view[k] for k in ("place", "words", "status", "label")},
    }


PARCEL_LABEL = NP_("parcel", "Parcel {index} of {count}")
"""A parcel of a split order, as the tracking page and the widget name it."""


def parcel_index(parcels: list[str], external_id: str | None) -> int | None:
    """The 1-based number of a parcel in a split order; None for a single parcel."""
    if not external_id or len(parcels) < 2 or external_id not in parcels:
        return None
    return parcels.index(external_id) + 1


def _parcel_of(parcels: list[str], external_id: str | None, locale: str) -> dict[str, Any]:
    index = parcel_index(parcels, external_id)
    if index is None:
        return {}
    return {
        "parcel": index,
        "parcel_label": PARCEL_LABEL(locale, index=index, count=len(parcels)),
    }


def messages_sent(session: Session, order: Order) -> list[dict[str, Any]]:
    """Every message planned for the order and what became of it (for support agents)."""
    notes = session.scalars(
        select(Notification)
        .where(Notification.shop_id == order.shop_id, Notification.order_id == order.id)
        .order_by(Notification.id)
    )
    return [
        {
            "id": n.id,
            "status": n.status,
            "channel": n.channel,
            "state": n.state,
            "recipient": n.recipient,
            "subject": n.subject,
            "text": n.body_text,
            "locale": n.locale,
            "created_at": n.created_at.isoformat(),
            "sent_at": n.sent_at.isoformat() if n.sent_at else None,
            "delivery": n.delivery,
            "opened_at": n.opened_at.isoformat() if n.opened_at else None,
            "clicked_at": n.clicked_at.isoformat() if n.clicked_at else None,
            "error": n.last_error,
        }
        for n in notes
    ]
