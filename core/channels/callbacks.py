"""Small helpers the channels' provider callbacks share (`HandlesReceipts.handle_callback`)."""

from __future__ import annotations

import json
from typing import Any

from core.capabilities import ProviderCall, ProviderReply
from core.errors import MalformedPayload
from core.i18n import LOCALES, NP_

CONFIRMATIONS = NP_(
    "messenger", "Done! You will get updates about order {number} from {shop} here."
)
REFUSALS = NP_(
    "messenger",
    "This link has expired or was already used. Open the latest link from {shop}.",
)


def json_body(call: ProviderCall) -> dict[str, Any]:
    """The callback's body as a JSON object, or MalformedPayload."""
    try:
        data = json.loads(call.request.body or b"{}")
    except (ValueError, RecursionError):
        raise MalformedPayload("the body is not JSON") from None
    if not isinstance(data, dict):
        raise MalformedPayload("the body is not a JSON object")
    return data


def json_reply(data: Any, status: int = 200) -> ProviderReply:
    """A JSON answer (what Telegram and Viber read a reply message from)."""
    return ProviderReply(status, json.dumps(data), "application/json")


def obj(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else empty: a wrong type is ignored, never a 500."""
    return value if isinstance(value, dict) else {}


def chat_id(value: Any) -> str:
    """A chat or user id as text ("" unless a string or a whole number of sane size)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    text = str(value).strip()
    return text if 0 < len(text) <= 100 and "\x00" not in text else ""


def confirmation(shop: Any, joined: Any, language: str) -> str:
    """What the bot answers a shopper who followed an opt-in link (or a stale one)."""
    locale = language[:2] if language[:2] in LOCALES else "en"
    if joined is None:
        return REFUSALS(locale, shop=shop.name)
    return CONFIRMATIONS(locale, number=joined.order_number, shop=shop.name)
