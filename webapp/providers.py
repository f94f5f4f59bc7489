"""`/webhooks/providers/<provider>?shop=<shop key>`: what SMS and messenger providers send back.

Every provider is told (or configured by the merchant with) a URL that names the shop
in its `shop` query parameter; the request must then be signed with that shop's
credentials for the provider, checked in constant time before anything is parsed:

- twilio: X-Twilio-Signature over the full URL and the sorted form fields (auth token);
  status callbacks move the message's delivery state, inbound texts may say STOP.
- telegram: X-Telegram-Bot-Api-Secret-Token equals the bot's `webhook_secret`;
  `/start <token>` joins the shopper, a blocked bot (my_chat_member "kicked") opts out.
- viber: X-Viber-Content-Signature, hex HMAC-SHA256 of the body with the auth token;
  conversation_started with a context token joins, unsubscribed opts out, receipts.
- whatsapp_cloud: GET answers Meta's verification with `verify_token`; POST carries
  X-Hub-Signature-256 (app secret) with statuses and inbound messages.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from core.bootstrap import Container
from core.channels import twilio, viber, whatsapp
from core.errors import InvalidSignature, MalformedPayload, UnknownShop
from core.i18n import LOCALES
from core.services import optin, receipts
from core.services.delivery import providers_for
from core.services.shops import shop_by_key
from core.storage.clock import utcnow
from core.storage.models import Shop

from .context import wismo

bp = Blueprint("providers", __name__)

TWILIO_STATES = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
    "canceled": "failed",
}
WHATSAPP_STATES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "failed": "failed",
}
VIBER_STATES = {"delivered": "delivered", "seen": "delivered", "failed": "failed"}


def provider_configs(c: Container, shop: Shop, provider: str) -> list[dict[str, Any]]:
    """The shop's settings for `provider`, secrets included, across all its channels."""
    found = []
    for kind in (shop.settings or {}).get("channels") or {}:
        found += [conf for name, conf in providers_for(c, shop, kind) if name == provider]
    return found


@bp.route("/webhooks/providers/<provider>", methods=["GET", "POST"])
def provider_webhook(provider: str) -> ResponseReturnValue:
    """Verify the request against the named shop's credentials, then apply it."""
    handler = HANDLERS.get(provider)
    if handler is None:
        raise UnknownShop(f"no receipts endpoint for provider {provider!r}")
    c = wismo()
    with c.session() as session, session.begin():
        shop = shop_by_key(session, request.args.get("shop", ""))
        configs = provider_configs(c, shop, provider) if shop else []
        if shop is None or not configs:
            raise UnknownShop("no such shop, or it does not use this provider")
        return handler(c, session, shop, configs)


def _twilio(c: Container, session: Any, shop: Shop, configs: list[dict]) -> ResponseReturnValue:
    params = request.form.to_dict()
    query = request.query_string.decode()
    url = c.settings.public_url.rstrip("/") + request.path + (f"?{query}" if query else "")
    given = request.headers.get("X-Twilio-Signature", "")
    if not any(
        twilio.valid_signature(str(conf.get("auth_token")), url, params, given) for conf in configs
    ):
        raise InvalidSignature("X-Twilio-Signature does not match")
    now = utcnow()
    status = params.get("MessageStatus") or params.get("SmsStatus") or ""
    sender = params.get("From", "")
    if status == "received" or ("Body" in params and "MessageStatus" not in params):
        channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
        address = sender.removeprefix("whatsapp:")
        receipts.record_inbound(
            session, shop.id, channel, address, params.get("Body"), "twilio", now
        )
        return Response("<Response/>", content_type="text/xml")
    delivery = TWILIO_STATES.get(status)
    if delivery is None:
        raise MalformedPayload("no MessageStatus in the callback", {"MessageStatus": "missing"})
    code = params.get("ErrorCode") or None
    detail = {"status": status, "error_code": code}
    note = receipts.record_receipt(
        session, shop.id, "twilio", params.get("MessageSid", ""), delivery, detail, now
    )
    if note is not None and code in {str(x) for x in twilio.OPTED_OUT}:
        receipts.opt_out(
            session, shop.id, note.channel, note.recipient or "", f"twilio {code}", "twilio", now
        )
    return Response("", status=204)


def _telegram(c: Container, session: Any, shop: Shop, configs: list[dict]) -> ResponseReturnValue:
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    secrets = [str(conf.get("webhook_secret") or "") for conf in configs]
    if not given or not any(s and hmac.compare_digest(s, given) for s in secrets):
        raise InvalidSignature("X-Telegram-Bot-Api-Secret-Token does not match")
    update = _json()
    now = utcnow()
    member = _obj(update.get("my_chat_member"))
    if member:
        chat = _id(_obj(member.get("chat")).get("id"))
        new = _obj(member.get("new_chat_member")).get("status")
        if chat and new == "kicked":
            receipts.opt_out(
                session, shop.id, "telegram", chat, "telegram: bot blocked", "telegram", now
            )
        return jsonify({})
    message = _obj(update.get("message"))
    chat = _id(_obj(message.get("chat")).get("id"))
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    if not chat:
        return jsonify({})
    language = str(_obj(message.get("from")).get("language_code") or "en")
    if text.startswith("/start"):
        token = text.removeprefix("/start").strip()
        joined = optin.redeem(session, _keys(c), shop, "telegram", token, chat, now)
        reply = _confirmation(shop, joined, language)
        return jsonify(
            {
                "method": "sendMessage",
                "chat_id": int(chat) if chat.lstrip("-").isdigit() else chat,
                "text": reply,
            }
        )
    receipts.record_inbound(session, shop.id, "telegram", chat, text, "telegram", now)
    return jsonify({})


def _viber(c: Container, session: Any, shop: Shop, configs: list[dict]) -> ResponseReturnValue:
    body = request.get_data(cache=True)
    given = request.headers.get("X-Viber-Content-Signature", "")
    if not any(viber.valid_signature(str(conf.get("auth_token")), body, given) for conf in configs):
        raise InvalidSignature("X-Viber-Content-Signature does not match")
    event = _json()
    kind = event.get("event") if isinstance(event.get("event"), str) else ""
    now = utcnow()
    user = _obj(event.get("user")) or _obj(event.get("sender"))
    user_id = _id(user.get("id")) or _id(event.get("user_id"))
    if kind in ("conversation_started", "subscribed") and event.get("context") and user_id:
        joined = optin.redeem(session, _keys(c), shop, "viber", str(event["context"]), user_id, now)
        text = _confirmation(shop, joined, str(user.get("language") or "en"))
        sender = str(configs[0].get("sender_name") or shop.name)[:28]
        return jsonify({"sender": {"name": sender}, "type": "text", "text": text})
    if kind == "subscribed" and user_id:
        optin.mark_reachable(session, shop.id, "viber", user_id)
    elif kind == "unsubscribed" and user_id:
        receipts.opt_out(session, shop.id, "viber", user_id, "viber: unsubscribed", "viber", now)
    elif kind in VIBER_STATES:
        detail = {"status": kind, "user_id": user_id, "desc": event.get("desc")}
        token = str(event.get("message_token") or "")
        receipts.record_receipt(session, shop.id, "viber", token, VIBER_STATES[kind], detail, now)
    elif kind == "message" and user_id:
        text = str(_obj(event.get("message")).get("text") or "")
        receipts.record_inbound(session, shop.id, "viber", user_id, text, "viber", now)
    return jsonify({})


def _whatsapp(c: Container, session: Any, shop: Shop, configs: list[dict]) -> ResponseReturnValue:
    if request.method == "GET":  # Meta's one-time verification of the callback URL
        given = request.args.get("hub.verify_token", "")
        tokens = [str(conf.get("verify_token") or "") for conf in configs]
        if request.args.get("hub.mode") != "subscribe" or not any(
            t and hmac.compare_digest(t, given) for t in tokens
        ):
            raise InvalidSignature("hub.verify_token does not match")
        return Response(request.args.get("hub.challenge", ""), content_type="text/plain")
    body = request.get_data(cache=True)
    given = request.headers.get("X-Hub-Signature-256", "")
    if not any(
        whatsapp.valid_signature(str(conf.get("app_secret")), body, given) for conf in configs
    ):
        raise InvalidSignature("X-Hub-Signature-256 does not match")
    now = utcnow()
    for entry in _json().get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for st in value.get("statuses") or []:
                codes = [e.get("code") for e in st.get("errors") or []]
                detail = {"status": st.get("status"), "error_codes": codes}
                delivery = WHATSAPP_STATES.get(str(st.get("status")))
                if delivery:
                    receipts.record_receipt(
                        session,
                        shop.id,
                        "whatsapp_cloud",
                        str(st.get("id") or ""),
                        delivery,
                        detail,
                        now,
                    )
            for msg in value.get("messages") or []:
                address = "+" + str(msg.get("from") or "").lstrip("+")
                text = (msg.get("text") or {}).get("body") or (msg.get("button") or {}).get("text")
                receipts.record_inbound(
                    session, shop.id, "whatsapp", address, text, "whatsapp_cloud", now
                )
    return jsonify({})


def _json() -> dict[str, Any]:
    try:
        data = json.loads(request.get_data(cache=True) or b"{}")
    except (ValueError, RecursionError):
        raise MalformedPayload("the body is not JSON") from None
    if not isinstance(data, dict):
        raise MalformedPayload("the body is not a JSON object")
    return data


def _obj(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else empty: a wrong type is ignored, never a 500."""
    return value if isinstance(value, dict) else {}


def _id(value: Any) -> str:
    """A chat or user id as text ("" unless a string or a whole number of sane size)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    text = str(value).strip()
    return text if 0 < len(text) <= 100 and "\x00" not in text else ""


def _keys(c: Container) -> tuple[str, ...]:
    return (c.settings.secret_key, *c.settings.secret_key_previous)


def _confirmation(shop: Shop, joined: optin.Joined | None, language: str) -> str:
    locale = language[:2] if language[:2] in LOCALES else "en"
    if joined is None:
        return optin.REFUSALS(locale, shop=shop.name)
    return optin.CONFIRMATIONS(locale, number=joined.order_number, shop=shop.name)


HANDLERS: dict[str, Callable[[Container, Any, Shop, list[dict]], ResponseReturnValue]] = {
    "twilio": _twilio,
    "telegram": _telegram,
    "viber": _viber,
    "whatsapp_cloud": _whatsapp,
}
