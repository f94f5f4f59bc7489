"""Support endpoints (shop API key): instant WISMO answers, an order's full timeline, stats.

`POST /api/v1/wismo/answer` answers a chat message; `GET /api/v1/orders/<number>/timeline`
shows an agent every milestone and every message sent; `GET /api/v1/stats` gives what the
admin's dashboard shows, as JSON. All are scoped to the shop the key belongs to.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.rules import zone
from core.errors import InvalidSignature, MalformedPayload
from core.services.analytics import build_report, parse_period, report_json
from core.services.answers import Question, answer
from core.services.contacts import name_on
from core.services.lookup import normalize_number, number_variants, visitor_hash
from core.services.shopper import record_visit
from core.services.summary import messages_sent, order_summary
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.models import Order, Shop

from .context import wismo

bp = Blueprint("answers", __name__)


def authorised_shop(s: Session) -> Shop:
    """The shop whose API key the request carries (Authorization: Bearer wsk_...)."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    shop_id = wismo().shop_keys.shop_id(s, key.strip()) if scheme.lower() == "bearer" else None
    shop = s.get(Shop, shop_id) if shop_id is not None else None
    if shop is None:
        raise InvalidSignature("a valid shop API key is required: Authorization: Bearer wsk_...")
    return shop


def _text(data: dict[str, object], name: str, limit: int = 320) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):  # as openapi.json says (Question): strings only
        raise MalformedPayload(f"{name} must be a string", errors={name: "must be a string"})
    return value[:limit]


@bp.post("/api/v1/wismo/answer")
def wismo_answer() -> ResponseReturnValue:
    """Answer "where is my order?" in the shopper's language, or ask for what is missing."""
    c = wismo()
    with c.session() as s:
        shop = authorised_shop(s)
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise MalformedPayload("the body must be a JSON object", errors={"body": "not JSON"})
        if "message" not in data:  # required by the contract; "" is allowed (the reply asks)
            raise MalformedPayload("message is required", errors={"message": "required"})
        if not isinstance(data["message"], str):
            raise MalformedPayload("message must be a string", errors={"message": "a string"})
        if len(data["message"]) > 2000:  # the contract's maxLength
            raise MalformedPayload("message is too long", errors={"message": "at most 2000"})
        message = _text(data, "message", 2000) or ""
        trusted = data.get("trusted", False)
        if not isinstance(trusted, bool):
            raise MalformedPayload("trusted must be true or false", errors={"trusted": "a boolean"})
        q = Question(
            message=message,
            email=_text(data, "email"),
            phone=_text(data, "phone"),
            order_number=_text(data, "order_number", 64),
            locale=_text(data, "locale", 16),
            trusted=trusted,
        )
        reply = answer(s, shop, q, c.links)
        if reply.order_id is not None:  # a shopper got their answer without an agent
            day = datetime.now(UTC).date().isoformat()
            who = visitor_hash(c.settings.secret_key, q.email or q.phone or "", "answer", day)
            record_visit(s, shop.id, reply.order_id, "answer", who)
            s.commit()
        body = asdict(reply)
        body.pop("order_id")
        return jsonify(body)


@bp.get("/api/v1/orders/<path:number>/timeline")
def order_timeline(number: str) -> ResponseReturnValue:
    """The order's milestones and every message planned or sent, for a support agent."""
    c = wismo()
    with c.session() as s:
        shop = authorised_shop(s)
        order = s.scalar(
            select(Order)
            .where(
                Order.shop_id == shop.id,
                Order.number.in_(number_variants(normalize_number(number))),
            )
            .order_by(Order.id.desc())
            .limit(1)
        )
        if order is None:
            return jsonify({"error": f"no order {number} in this shop"}), 404
        locale = request.args.get("locale") or "en"
        summary = order_summary(s, order, locale if locale in ("en", "ru", "uk") else "en", c.links)
        customer = order.customer
        summary["customer"] = {
            "name": name_on(order),
            "email": customer.email if customer else None,
            "phone": customer.phone if customer else None,
        }
        summary["messages"] = messages_sent(s, order)
        return jsonify(summary)


@bp.get("/api/v1/stats")
def stats() -> ResponseReturnValue:
    """The dashboard's figures for ?from=YYYY-MM-DD&to=YYYY-MM-DD (the shop's days, inclusive;
    the last 30 days by default): messages, orders, carriers, visits, feedback, problems."""
    with wismo().session() as s:
        shop = authorised_shop(s)
        settings = settings_of(shop)
        tz = zone(settings.timezone)
        try:
            period = parse_period(
                request.args.get("from"),
                request.args.get("to"),
                utcnow().astimezone(tz).date(),
                tz,
            )
        except ValueError as e:
            raise MalformedPayload(str(e)) from None
        report = build_report(s, shop.id, period, settings.analytics.contact_rate)
        return jsonify(report_json(report))
