"""HTML pages: the landing page, the demo dashboard and dev outbox, the shopper's tracking page.

Views stay thin: they load rows (always scoped by shop), turn them into plain view
models and render a template from webapp/templates/. Every page answers with strict
security headers; the tracking page adds a per-request nonce for its brand colours.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from babel import Locale
from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.sms import count_segments
from core.domain.states import MessageState
from core.domain.statuses import RETURN_PATH, Status
from core.i18n import LOCALES, NP_, Marked
from core.links import TRACK
from core.rendering import normalize_locale, status_description, status_label
from core.rendering.catalogue import ui_text
from core.rendering.locales import format_day, format_money, shipment_progress, vocative
from core.rendering.moments import first_zone, format_moment
from core.services.contacts import name_on
from core.services.shops import store_url
from core.services.summary import PARCEL_LABEL, parcel_index
from core.storage.models import Notification, Order, OrderEvent, OutboxMessage, Shipment, Shop

from .context import wismo

bp = Blueprint("pages", __name__)

BASE_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DEMO_ORDERS = 50
OUTBOX_PAGE = 100
MESSENGERS = frozenset({"telegram", "whatsapp", "viber", "messenger"})
LOCALE_NAMES = {"en": "English", "ru": "Русский", "uk": "Українська"}


# --- headers and shared helpers ---------------------------------------------------------


@bp.after_request
def security_headers(response: Response) -> Response:
    """Headers every shopper-facing page carries: strict CSP, no referrer, no framing."""
    response.headers["Content-Security-Policy"] = g.get("csp", BASE_CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def demo_mode() -> bool:
    """Whether the app runs as `wismo demo` (shows every shop's data: never in production)."""
    return current_app.config.get("WISMO_DEMO") is True


def not_found(locale: str = "en") -> tuple[str, int]:
    """The one 404 page: same look as the others, no details."""
    return render_template("not_found.html", locale=locale, t=chrome(locale)), 404


def family(status: str | None) -> str:
    """The badge colour family of a status: progress, delivered, problem or cancelled."""
    if status == Status.DELIVERED:
        return "delivered"
    if status in (Status.DELAYED, Status.EXCEPTION, Status.ATTEMPTED_DELIVERY):
        return "problem"
    if status == Status.CANCELLED or status in RETURN_PATH:
        return "cancelled"
    return "progress"


def label(status: str | None, locale: str = "en") -> str:
    """The status in words, tolerating unknown or missing values."""
    try:
        return status_label(Status(status or ""), locale)
    except ValueError:
        return status or "—"


def safe_url(url: Any) -> str | None:
    """`url` when it is a plain http(s) link; never javascript: or data:."""
    if isinstance(url, str) and urlsplit(url.strip()).scheme in ("http", "https"):
        return url.strip()
    return None


def first_name(name: str | None) -> str | None:
    """Only the first name: pages show no more personal data than they need."""
    return name.split()[0] if name and name.split() else None


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"clock": clock, "linkify": linkify}


_URL = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str | None) -> Markup:
    """Plain text with its http(s) links made clickable; everything else escaped."""
    text = text or ""
    out: list[Markup] = []
    at = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)»")
        out += [
            escape(text[at : match.start()]),
            Markup('<a href="{0}" target="_blank" rel="noopener noreferrer">{0}</a>').format(url),
        ]
        at = match.start() + len(url)
    out.append(escape(text[at:]))
    return Markup("").join(out)


def clock(value: datetime | None) -> str:
    """A UTC time for the operator's pages: '14:03:22', with the date when not today."""
    if value is None:
        return ""
    value = value.astimezone(UTC)
    if value.date() == datetime.now(UTC).date():
        return value.strftime("%H:%M:%S")
    return value.strftime("%d %b %H:%M")


# --- the demo dashboard -----------------------------------------------------------------


@bp.get("/")
def index() -> ResponseReturnValue:
    """The demo dashboard in demo mode; a short landing page otherwise."""
    if not demo_mode():
        docs = current_app.config.get("WISMO_DOCS_URL")
        return render_template("landing.html", docs_url=safe_url(docs))
    g.csp = BASE_CSP + "; script-src 'self'"
    with wismo().session() as s:
        context = dashboard(s)
    live = request.args.get("live") != "0"
    if request.args.get("partial") == "1":
        return render_template("demo/_board.html", **context)
    return render_template("demo/index.html", live=live, **context)


def dashboard(s: Session) -> dict[str, Any]:
    """Counts and the newest orders of every shop, each with its events and messages."""
    orders = list(s.scalars(select(Order).order_by(Order.id.desc()).limit(DEMO_ORDERS)))
    shops = {shop.id: shop for shop in s.scalars(select(Shop))}
    events: dict[int, list[OrderEvent]] = defaultdict(list)
    keys = {(o.shop_id, o.external_id): o.id for o in orders}
    if orders:
        rows = s.scalars(
            select(OrderEvent)
            .where(OrderEvent.order_external_id.in_([o.external_id for o in orders]))
            .order_by(OrderEvent.id)
        )
        for ev in rows:
            order_id = keys.get((ev.shop_id, ev.order_external_id))
            if order_id is not None:
                events[order_id].append(ev)
    notes: dict[int, list[Notification]] = defaultdict(list)
    for note in s.scalars(
        select(Notification)
        .where(Notification.order_id.in_(keys.values()))
        .order_by(Notification.id)
    ):
        notes[note.order_id].append(note)
    outbox = {
        note_id: box_id
        for note_id, box_id in s.execute(
            select(OutboxMessage.notification_id, func.max(OutboxMessage.id))
            .where(OutboxMessage.notification_id.in_([n.id for ns in notes.values() for n in ns]))
            .group_by(OutboxMessage.notification_id)
        )
    }
    counts = {
        "orders": s.scalar(select(func.count()).select_from(Order)) or 0,
        "events": s.scalar(select(func.count()).select_from(OrderEvent)) or 0,
        "sent": s.scalar(select(func.count()).where(Notification.state == MessageState.SENT)) or 0,
        "outbox": s.scalar(select(func.count()).select_from(OutboxMessage)) or 0,
        "dead": s.scalar(select(func.count()).where(Notification.state == MessageState.DEAD)) or 0,
    }
    cards = [order_card(o, shops.get(o.shop_id), events[o.id], notes[o.id], outbox) for o in orders]
    return {"counts": counts, "orders": cards, "many_shops": len(shops) > 1}


SHOW_ERROR = frozenset(
    {MessageState.RETRY, MessageState.DEAD, MessageState.SKIPPED, MessageState.FAILED_OVER}
)
OUTCOME_NOTES = {
    "applied": None,
    "overlay": "laid over the current status",
    "unchanged": "repeat: status unchanged",
    "stale": "stale event ignored (older than the current status)",
    "rejected": "rejected: would move the order backwards",
    None: "waiting to be processed",
}


def order_card(
    order: Order,
    shop: Shop | None,
    events: list[OrderEvent],
    notes: list[Notification],
    outbox: dict[int | None, int],
) -> dict[str, Any]:
    """One order of the dashboard, ready for the template."""
    customer = order.customer
    locale = (
        normalize_locale(order.locale)
        or normalize_locale(customer.locale if customer else None)
        or normalize_locale((shop.settings or {}).get("locale") if shop else None)
        or "en"
    )
    return {
        "id": order.id,
        "number": order.number,
        "shop": shop.name if shop else "",
        "name": first_name(name_on(order)),
        "locale": locale,
        "locale_name": LOCALE_NAMES.get(locale, locale),
        "status": order.status,
        "status_label": label(order.status),
        "family": family(order.status),
        "overlay": order.overlay,
        "overlay_label": label(order.overlay) if order.overlay else None,
        "reason": order.reason,
        "parcels": parcels_line(order),
        "edd": format_day(order.estimated_delivery, "en"),
        "track_url": url_for(
            "tracking.track", token=wismo().links.token(TRACK, order.shop_id, order.id)
        ),
        "events": [
            {
                "label": label(ev.status),
                "family": family(ev.status),
                "at": ev.occurred_at,
                "source": ev.source,
                "parcel": ev.shipment_external_id,
                "outcome": ev.outcome or "queued",
                "note": OUTCOME_NOTES.get(ev.outcome, ev.outcome),
                "quiet": ev.outcome not in ("applied", "overlay"),
            }
            for ev in events
        ],
        "messages": [
            {
                "channel": n.channel,
                "state": n.state,
                "label": label(n.status),
                "at": n.sent_at or n.updated_at or n.created_at,
                "error": n.last_error if n.state in SHOW_ERROR else None,
                "outbox_id": outbox.get(n.id),
            }
            for n in notes
        ],
    }


def parcel_summary(order: Order, locale: str) -> str | None:
    """'2 of 3 items shipped' while an order is partly shipped, else None."""
    parcels = [p for p in order.shipments if p.status]
    counts = [p.items_count for p in parcels]
    if not parcels or not order.items_total or None in counts:
        return None
    return shipment_progress(sum(c or 0 for c in counts), order.items_total, locale) or None


def parcels_line(order: Order) -> str | None:
    """The dashboard's parcel summary: items shipped when partial, else the parcel count."""
    n = len(order.shipments)
    return parcel_summary(order, "en") or (f"{n} parcel{'s' if n != 1 else ''}" if n else None)


# --- the dev outbox ---------------------------------------------------------------------


@bp.get("/dev/outbox")
def outbox() -> ResponseReturnValue:
    """Every message the dev outbox kept, newest first, filtered by kind and locale."""
    if not demo_mode():
        return not_found()
    kind = request.args.get("kind") or None
    locale = normalize_locale(request.args.get("locale"))
    before = request.args.get("before", type=int)
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(OUTBOX_PAGE + 1)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if locale:
        query = query.where(OutboxMessage.meta["locale"].as_string() == locale)
    if before:
        query = query.where(OutboxMessage.id < before)
    with wismo().session() as s:
        rows = list(s.scalars(query))
        kinds = sorted(s.scalars(select(OutboxMessage.kind).distinct()))
    more = len(rows) > OUTBOX_PAGE
    rows = rows[:OUTBOX_PAGE]
    return render_template(
        "demo/outbox.html",
        messages=[message_row(m) for m in rows],
        kinds=kinds,
        kind=kind,
        locale=locale,
        locales=LOCALE_NAMES,
        older=rows[-1].id if more else None,
    )


def message_row(m: OutboxMessage) -> dict[str, Any]:
    """The list view of one outbox message."""
    meta = m.meta or {}
    return {
        "id": m.id,
        "kind": m.kind,
        "recipient": m.recipient,
        "subject": m.subject or _one_line(m.text),
        "at": m.created_at,
        "order_number": meta.get("order_number"),
        "locale": meta.get("locale"),
        "status": meta.get("status"),
        "status_label": label(meta.get("status")) if meta.get("status") else None,
        "family": family(meta.get("status")),
    }


def _one_line(text: str | None, limit: int = 90) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


@bp.get("/dev/outbox/<int:message_id>")
def outbox_message(message_id: int) -> ResponseReturnValue:
    """One message as the shopper would see it: email in a sandboxed frame, SMS, chat."""
    if not demo_mode():
        return not_found()
    with wismo().session() as s:
        m = s.get(OutboxMessage, message_id)
        shop = s.get(Shop, m.shop_id) if m else None
        if m is None:
            return not_found()
        row = message_row(m)
    meta = dict(m.meta or {})
    sms = None
    if m.kind == "sms":
        info = count_segments(m.text)
        stored = meta.get("sms") or {}
        sms = {
            "encoding": stored.get("encoding", info.encoding),
            "characters": stored.get("characters", info.characters),
            "segments": stored.get("segments", info.segments),
            "per_segment": info.per_segment,
        }
    # The email's own HTML only ever reaches the page as an escaped srcdoc attribute of a
    # sandboxed frame (no scripts, no same-origin); a srcdoc frame inherits this page's
    # CSP, so inline styles and remote images are allowed here and on no other page.
    g.csp = (
        "default-src 'self'; img-src 'self' data: https: http:; "
        "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    srcdoc = '<base target="_blank">' + m.html if m.html else None
    headers = {k: v for k, v in meta.items() if k not in ("sms", "shop") and v not in (None, "")}
    return render_template(
        "demo/message.html",
        m=row,
        text=m.text,
        html=m.html,
        srcdoc=srcdoc,
        sms=sms,
        headers=headers,
        shop=shop.name if shop else "",
        messenger=m.kind in MESSENGERS,
        tracking=safe_url(meta.get("tracking_link")),
        width="mobile" if request.args.get("width") == "mobile" else "desktop",
    )


# --- the tracking page ------------------------------------------------------------------


@dataclass
class Step:
    """One stop on the progress bar."""

    status: Status
    label: str
    state: str  # done | current | todo
    extra: list[str] = field(default_factory=list)


_STEPS = (
    Status.PLACED,
    Status.PROCESSING,
    Status.SHIPPED,
    Status.IN_TRANSIT,
    Status.OUT_FOR_DELIVERY,
    Status.DELIVERED,
)
_PICKUP_STEPS = (
    Status.PLACED,
    Status.PROCESSING,
    Status.SHIPPED,
    Status.IN_TRANSIT,
    Status.READY_FOR_PICKUP,
    Status.DELIVERED,
)
_STEP_FOR = {
    Status.PICKING: Status.PROCESSING,
    Status.PACKED: Status.PROCESSING,
    Status.READY_FOR_PICKUP: Status.OUT_FOR_DELIVERY,
    Status.ATTEMPTED_DELIVERY: Status.OUT_FOR_DELIVERY,
}
_PICKUP_STEP_FOR = {
    Status.PICKING: Status.PROCESSING,
    Status.PACKED: Status.PROCESSING,
    Status.OUT_FOR_DELIVERY: Status.IN_TRANSIT,  # on its way to the point
    Status.ATTEMPTED_DELIVERY: Status.READY_FOR_PICKUP,
}


def for_pickup(order: Order, seen: Iterable[Status] = ()) -> bool:
    """Whether the order goes to a pickup point or locker rather than to the door.

    Every parcel names a pickup point, or the order has been ready for pickup.
    """
    parcels = order.shipments
    if parcels and all(isinstance(p.pickup_point, dict) and p.pickup_point for p in parcels):
        return True
    return Status.READY_FOR_PICKUP in set(seen) or order.status == Status.READY_FOR_PICKUP


def status_word(status: Status, locale: str, pickup: bool = False) -> str:
    """The status in words; a parcel collected at a pickup point reads 'Picked up'."""
    if pickup and status == Status.DELIVERED:
        return Chrome(locale)("picked_up")
    return status_label(status, locale)


def journey(
    status: Status, seen: Iterable[Status], locale: str, pickup: bool = False
) -> list[Step]:
    """The progress steps to draw: to the door or to a pickup point, or the cancellation or
    return path."""
    seen = set(seen)
    if status == Status.CANCELLED:
        path: tuple[Status, ...] = (Status.PLACED, Status.CANCELLED)
    elif status == Status.REFUNDED and Status.CANCELLED in seen:
        path = (Status.PLACED, Status.CANCELLED, Status.REFUNDED)
    elif status in RETURN_PATH:
        path = (Status.DELIVERED, *RETURN_PATH)
    else:
        path = _PICKUP_STEPS if pickup else _STEPS
    here = (_PICKUP_STEP_FOR if pickup else _STEP_FOR).get(status, status)
    at = path.index(here) if here in path else 0
    steps = []
    for i, step in enumerate(path):
        # 'Attempted delivery' takes the last-mile stop of the courier path
        shown = status if i == at and not pickup else step
        state = "done" if i < at else "current" if i == at else "todo"
        steps.append(Step(step, status_word(shown, locale, pickup), state))
    if steps and at == len(steps) - 1:
        steps[-1].extra.append("complete")
    return steps


def tracking_view(
    shop: Shop, order: Order, events: list[OrderEvent], locale: str, zone: tzinfo
) -> dict[str, Any]:
    """Everything the tracking page shows, formatted for `locale` and the shopper's zone."""
    status = _status(order.status) or Status.PLACED
    seen = [st for e in events if (st := _status(e.status))]
    pickup = for_pickup(order, seen)
    # a delay or carrier problem is delivery news: a cancelled or refunded order shows none
    overlay = None if status in CLOSED else _status(order.overlay)
    branding = (shop.settings or {}).get("branding") or {}
    parcels = order.shipments
    open_dates = [
        p.estimated_delivery
        for p in parcels
        if p.estimated_delivery and p.status != Status.DELIVERED
    ]
    edd = max(open_dates) if open_dates else order.estimated_delivery
    finished = status in (Status.DELIVERED, Status.CANCELLED, *RETURN_PATH)
    name = first_name(name_on(order))
    return {
        "brand": brand(branding, shop),
        "number": order.number,
        "greeting": vocative(name, locale) if name else None,
        "status": status,
        "status_label": status_word(status, locale, pickup),
        "description": Chrome(locale)("picked_up_desc")
        if pickup and status == Status.DELIVERED
        else status_description(status, locale),
        "family": family(status),
        "pickup": pickup,
        "keep_until": keep_until(parcels, locale) if status == Status.READY_FOR_PICKUP else None,
        "overlay": overlay
        and {
            "status": overlay,
            "label": status_label(overlay, locale),
            "description": status_description(overlay, locale),
            "reason": order.reason,
            "family": family(overlay),
        },
        "reason": closing_reason(status, events) if status in CLOSED else None,
        "closed": status in CLOSED,
        # waiting at the point: the date that matters is how long it is kept there
        "edd": None if finished or status == Status.READY_FOR_PICKUP else format_day(edd, locale),
        "steps": journey(status, seen, locale, pickup),
        "progress": parcel_summary(order, locale),
        "milestones": [
            {
                "label": status_word(st, locale, pickup),
                "family": family(st),
                "at": _when(e.occurred_at, zone, locale),
                "iso": e.occurred_at.isoformat(),
                "parcel": _parcel_number(parcels, e.shipment_external_id),
            }
            for e in events
            if (st := _status(e.status))
        ],
        "parcels": []
        if status in CLOSED  # nothing is on its way: no carrier links, no pickup points
        else [parcel_view(p, i, len(parcels), locale, zone) for i, p in enumerate(parcels, 1)],
        "products": [
            {
                "name": str(it.get("name") or ""),
                "quantity": it.get("quantity") or 1,
                "price": format_money(it.get("price"), order.currency, locale),
            }
            for it in order.items or []
            if isinstance(it, dict)
        ],
        "total": format_money(order.total, order.currency, locale),
        "placed": _when(order.placed_at, zone, locale) if order.placed_at else None,
    }


CLOSED = (Status.CANCELLED, Status.REFUNDED)


def closing_reason(status: Status, events: list[OrderEvent]) -> str | None:
    """Why the order was cancelled or refunded: the reason its own event carried.

    For a refund with no reason of its own, the cancellation's; never an earlier delay's.
    """
    for wanted in (status, Status.CANCELLED):
        for e in events:  # newest first
            reason = (e.payload or {}).get("reason") if e.status == wanted else None
            if isinstance(reason, str) and reason.strip():
                return reason.strip()
    return None


def parcel_view(p: Shipment, index: int, count: int, locale: str, zone: tzinfo) -> dict[str, Any]:
    """One shipment: carrier, tracking number and link, pickup point, its own status."""
    st = _status(p.status)
    point = p.pickup_point if isinstance(p.pickup_point, dict) else None
    return {
        "index": index,
        "count": count,
        "carrier": p.carrier,
        "tracking_number": p.tracking_number,
        "tracking_url": safe_url(p.tracking_url),
        "status_label": status_word(st, locale, bool(point)) if st else None,
        "family": family(st),
        "items_count": p.items_count,
        "at": _when(p.status_at, zone, locale) if p.status_at else None,
        "edd": format_day(p.estimated_delivery, locale) if st != Status.DELIVERED else None,
        "pickup": point
        and {
            "name": point.get("name"),
            "address": point.get("address"),
            "hours": point.get("hours"),
            "keep_until": format_day(_day(point.get("keep_until")), locale),
        },
    }


def keep_until(parcels: list[Shipment], locale: str) -> str | None:
    """The earliest date a parcel waiting at a pickup point is kept until, when known."""
    days = [
        d
        for p in parcels
        if p.status == Status.READY_FOR_PICKUP and isinstance(p.pickup_point, dict)
        if (d := _day(p.pickup_point.get("keep_until")))
    ]
    return format_day(min(days), locale) if days else None


def _day(value: Any) -> date | None:
    """A date given as ISO text (`2026-12-10`, or a full timestamp), else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def brand(branding: dict[str, Any], shop: Shop) -> dict[str, Any]:
    """The shop's name, logo and accent colours (validated, with readable contrast)."""
    color = branding.get("brand_color")
    color = color.strip() if isinstance(color, str) else ""
    if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", color):
        color = "#0f766e"
    rgb = _rgb(color)
    logo = branding.get("logo_url")
    return {
        "name": shop.name,
        "color": color,
        "on_color": "#ffffff" if _contrast(rgb, (255, 255, 255)) >= 3 else "#111827",
        "ink": _ink(rgb),
        "logo_url": logo if isinstance(logo, str) and _origin(logo) else None,
        "store_url": safe_url(store_url(shop)),
        "support_email": branding.get("support_email"),
        "support_phone": branding.get("support_phone"),
        "support_url": safe_url(branding.get("support_url")),
    }


def _rgb(color: str) -> tuple[int, int, int]:
    h = color.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    r, g_, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g_ + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _ink(rgb: tuple[int, int, int]) -> str:
    """The brand colour darkened until it reads as text on white (WCAG AA, 4.5:1)."""
    r, g_, b = rgb
    while _contrast((r, g_, b), (255, 255, 255)) < 4.5:
        r, g_, b = int(r * 0.9), int(g_ * 0.9), int(b * 0.9)
    return f"#{r:02x}{g_:02x}{b:02x}"


def _origin(url: Any) -> str | None:
    """The https origin a logo comes from (for the CSP), or None if it is not https."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc or re.search(r"[\s;,']", parts.netloc):
        return None
    return f"https://{parts.netloc}"


def _status(value: str | None) -> Status | None:
    try:
        return Status(value) if value else None
    except ValueError:
        return None


_zone = first_zone  # kept under this name for the app proxies that import it
_when = format_moment


def _parcel_number(parcels: list[Shipment], external_id: str | None) -> int | None:
    return parcel_index([p.external_id for p in parcels], external_id)


# --- page chrome in the shopper's language ----------------------------------------------

_CHROME: dict[str, Marked] = {
    "title": NP_("page", "Order {number} · {shop}"),
    "greeting": NP_("page", "Hi {name}, here is your order."),
    "progress": NP_("page", "Delivery progress"),
    "history": NP_("page", "History"),
    "parcels": NP_("page", "Delivery"),
    "parcel": PARCEL_LABEL,
    "track": NP_("page", "Track on the carrier's site"),
    "items": NP_("page", "Your items"),
    "parcel_items": NP_("page", "Items"),
    "new_edd": NP_("page", "New estimated delivery"),
    "reason": NP_("page", "Reason"),
    "placed": NP_("page", "Placed {when}"),
    "help": NP_("page", "Need help?"),
    "powered": NP_("page", "Order updates by Wismo"),
    "nf_title": NP_("page", "Page not found"),
    "nf_body": NP_(
        "page",
        "This link does not work. Please open the link from your latest message about the "
        "order, or contact the shop.",
    ),
    "status_now": NP_("page", "Current status"),
    "shop_site": NP_("page", "Visit the shop"),
    "nf_lookup": NP_("page", "Find your order by its number"),
    "picked_up": NP_("page", "Picked up"),
    "picked_up_desc": NP_("page", "You collected your order from the pickup point. Enjoy!"),
    "keep_until": NP_("page", "Kept until"),
    "pick_up_by": NP_("page", "Pick up by"),
}


class Chrome:
    """The page's own words in one locale: page strings first, then the message catalogue."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else "en"

    def __call__(self, key: str, **values: Any) -> str:
        text = _CHROME.get(key)
        if text is None:
            return ui_text(key, self.locale, **values)
        return text(self.locale, **values)

    @property
    def language(self) -> str:
        return Locale.parse(self.locale).get_display_name(self.locale) or self.locale


def chrome(locale: str) -> Chrome:
    """The translator templates call as t('key', name=value)."""
    return Chrome(locale)
