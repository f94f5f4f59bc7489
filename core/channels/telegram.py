"""Telegram: a store's own bot sends each shopper who opted in through its t.me link.

    POST {base_url}/bot<bot_token>/sendMessage   {"chat_id": ..., "text": ...}

Config: `bot_token` and `webhook_secret` (secrets), `bot_username` (for the
t.me/<bot>?start=<token> link), optional `base_url`, `timeout`. A chat that blocked
the bot answers 403: the shopper is marked unreachable and opted out. A 429 carries
`parameters.retry_after`, which the retry honours.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any, ClassVar

from core import netguard
from core.capabilities import ProviderCall, ProviderReply
from core.errors import (
    InvalidSignature,
    PermanentChannelError,
    RecipientOptedOut,
    TransientChannelError,
)
from core.i18n import N_
from core.plugins import ChannelMetadata, ConfigField

from . import http
from . import kinds as message_kinds
from .base import ChannelContext, OutboundMessage
from .callbacks import chat_id, confirmation, json_body, json_reply, obj

API = "https://api.telegram.org"


class TelegramChannel:
    """Sends text through one shop's Telegram bot."""

    name: ClassVar[str] = "telegram"
    kinds: ClassVar[frozenset[str]] = frozenset({"telegram"})
    metadata: ClassVar[ChannelMetadata] = ChannelMetadata(
        slug="telegram",
        label="Telegram bot",
        fields=(
            ConfigField("bot_username", N_("Bot username")),
            ConfigField("bot_token", N_("Bot token"), secret=True),
            ConfigField("webhook_secret", N_("Webhook secret"), secret=True),
        ),
        defines=(message_kinds.TELEGRAM,),
        accepted_as="sent",
    )

    @staticmethod
    def handle_callback(call: ProviderCall) -> ProviderReply:
        """Joins (`/start <token>`), a blocked bot and chat at `/webhooks/providers/telegram`."""
        return callback(call)

    def __init__(self, config: Mapping[str, Any], context: ChannelContext) -> None:
        (self.token,) = http.required(config, "telegram", "bot_token")
        self.base_url = str(config.get("base_url") or API).rstrip("/")
        self.timeout = http.timeout_of(config)
        self.session = netguard.session()

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: ChannelContext) -> TelegramChannel:
        """Build from {bot_token, bot_username, webhook_secret}."""
        return cls(config, context)

    def call(self, method: str, payload: Mapping[str, Any]) -> Any:
        """Call a Bot API method; its `result`, or the mapped error."""
        r = http.request(
            self.session,
            "telegram",
            "POST",
            f"{self.base_url}/bot{self.token}/{method}",
            json=dict(payload),
            timeout=self.timeout,
        )
        body = http.json_of(r)
        if r.status_code == 200 and body.get("ok"):
            return body.get("result")
        code = body.get("error_code") or r.status_code
        reason = f"telegram {code}: {body.get('description') or netguard.short_reason(r)}"
        if code == 429:
            retry = (body.get("parameters") or {}).get("retry_after")
            retry_after = float(retry) if isinstance(retry, int | float) else None
            raise TransientChannelError(reason, retry_after=retry_after)
        if code >= 500:
            raise TransientChannelError(reason)
        if code == 403:  # blocked by the user, or the user deactivated
            raise RecipientOptedOut(reason)
        raise PermanentChannelError(reason, unreachable=code == 400)

    def send(self, message: OutboundMessage) -> str:
        """Send the text to the shopper's chat; return the Telegram message id."""
        result = self.call("sendMessage", {"chat_id": message.to, "text": message.text})
        return str((result or {}).get("message_id", ""))


def callback(call: ProviderCall) -> ProviderReply:
    """Check the secret token header, then join, opt out or record the shopper's text."""
    session, shop, now = call.session, call.shop, call.now
    given = call.request.header("X-Telegram-Bot-Api-Secret-Token")
    secrets = [str(conf.get("webhook_secret") or "") for conf in call.configs]
    if not given or not any(s and hmac.compare_digest(s, given) for s in secrets):
        raise InvalidSignature("X-Telegram-Bot-Api-Secret-Token does not match")
    update = json_body(call)
    member = obj(update.get("my_chat_member"))
    if member:
        chat = chat_id(obj(member.get("chat")).get("id"))
        new = obj(member.get("new_chat_member")).get("status")
        if chat and new == "kicked":
            call.services.opt_out(
                session, shop.id, "telegram", chat, "telegram: bot blocked", "telegram", now
            )
        return json_reply({})
    message = obj(update.get("message"))
    chat = chat_id(obj(message.get("chat")).get("id"))
    text = str(message["text"]) if isinstance(message.get("text"), str) else ""
    if not chat:
        return json_reply({})
    language = str(obj(message.get("from")).get("language_code") or "en")
    if text.startswith("/start"):
        token = text.removeprefix("/start").strip()
        joined = call.services.redeem_opt_in(
            session, call.secret_keys, shop, "telegram", token, chat, now
        )
        reply = confirmation(shop, joined, language)
        return json_reply(
            {
                "method": "sendMessage",
                "chat_id": int(chat) if chat.lstrip("-").isdigit() else chat,
                "text": reply,
            }
        )
    call.services.record_inbound(session, shop.id, "telegram", chat, text, "telegram", now)
    return json_reply({})
