"""Viber: a store's bot account messages shoppers who subscribed through its link.

    POST {base_url}/pa/send_message    X-Viber-Auth-Token: <auth_token>
    {"receiver": id, "min_api_version": 1, "sender": {"name": ...}, "type": "text", "text": ...}

Viber answers HTTP 200 with a `status` (0 ok). Callbacks are signed with
X-Viber-Content-Signature, the hex HMAC-SHA256 of the body keyed by the auth token.
Config: `auth_token` (secret), `sender_name` (28 characters at most), `bot_uri` (the
bot's public account id, for viber://pa?chatURI=<uri>&context=<token>), optional
`base_url`, `timeout`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any, ClassVar

from core import netguard
from core.capabilities import ProviderCall, ProviderReply
from core.errors import (
    InvalidSignature,
    PermanentChannelError,
    TransientChannelError,
)
from core.i18n import N_
from core.plugins import ChannelMetadata, ConfigField

from . import http
from . import kinds as message_kinds
from .base import ChannelContext, OutboundMessage
from .callbacks import chat_id, confirmation, json_body, json_reply, obj

API = "https://chatapi.viber.com"
UNREACHABLE = {5, 6, 11}  # receiverNotRegistered, receiverNotSubscribed, receiverNoSuitableDevice
TOO_MANY = {12}  # tooManyRequests


class ViberChannel:
    """Sends text through one shop's Viber bot."""

    name: ClassVar[str] = "viber"
    kinds: ClassVar[frozenset[str]] = frozenset({"viber"})
    metadata: ClassVar[ChannelMetadata] = ChannelMetadata(
        slug="viber",
        label="Viber bot",
        fields=(
            ConfigField("sender_name", N_("Sender name (28 characters at most)")),
            ConfigField("bot_uri", N_("Bot URI")),
            ConfigField("auth_token", N_("Auth token"), secret=True),
        ),
        defines=(message_kinds.VIBER,),
        accepted_as="sent",
    )

    @staticmethod
    def handle_callback(call: ProviderCall) -> ProviderReply:
        """Joins, unsubscribes, receipts and chat at `/webhooks/providers/viber`."""
        return callback(call)

    def __init__(self, config: Mapping[str, Any], context: ChannelContext) -> None:
        (self.token,) = http.required(config, "viber", "auth_token")
        self.sender = str(config.get("sender_name") or context.sender_name)[:28]
        self.base_url = str(config.get("base_url") or API).rstrip("/")
        self.timeout = http.timeout_of(config)
        self.session = netguard.session()

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: ChannelContext) -> ViberChannel:
        """Build from {auth_token, sender_name, bot_uri}."""
        return cls(config, context)

    def call(self, method: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Call a REST bot API method; its answer, or the mapped error."""
        r = http.request(
            self.session,
            "viber",
            "POST",
            f"{self.base_url}/pa/{method}",
            json=dict(payload),
            headers={"X-Viber-Auth-Token": self.token},
            timeout=self.timeout,
        )
        http.server_trouble("viber", r)
        body = http.json_of(r)
        status = body.get("status")
        if r.status_code == 200 and status == 0:
            return body
        reason = f"viber {status}: {body.get('status_message') or netguard.short_reason(r)}"
        if status in TOO_MANY:
            raise TransientChannelError(reason, retry_after=60)
        # not subscribed (yet, or any more): unreachable, but only the `unsubscribed`
        # callback is an opt-out, since a shopper may subscribe after following the link
        raise PermanentChannelError(reason, unreachable=status in UNREACHABLE)

    def send(self, message: OutboundMessage) -> str:
        """Send the text; return Viber's message token."""
        body = self.call(
            "send_message",
            {
                "receiver": message.to,
                "min_api_version": 1,
                "sender": {"name": self.sender},
                "type": "text",
                "text": message.text,
            },
        )
        return str(body.get("message_token", ""))


def signature(auth_token: str, body: bytes) -> str:
    """X-Viber-Content-Signature: hex HMAC-SHA256 of the raw body, keyed by the auth token."""
    return hmac.new(auth_token.encode(), body, hashlib.sha256).hexdigest()


def valid_signature(auth_token: str, body: bytes, given: str) -> bool:
    """Whether `given` signs `body` (constant-time comparison)."""
    return bool(given) and hmac.compare_digest(signature(auth_token, body), given.lower())


STATES = {"delivered": "delivered", "seen": "delivered", "failed": "failed"}
"""Viber's receipt events → Notification.delivery."""


def callback(call: ProviderCall) -> ProviderReply:
    """Verify X-Viber-Content-Signature over the body, then apply the event."""
    session, shop, now, configs = call.session, call.shop, call.now, call.configs
    given = call.request.header("X-Viber-Content-Signature")
    if not any(
        valid_signature(str(conf.get("auth_token")), call.request.body, given) for conf in configs
    ):
        raise InvalidSignature("X-Viber-Content-Signature does not match")
    event = json_body(call)
    kind = event.get("event") if isinstance(event.get("event"), str) else ""
    user = obj(event.get("user")) or obj(event.get("sender"))
    user_id = chat_id(user.get("id")) or chat_id(event.get("user_id"))
    if kind in ("conversation_started", "subscribed") and event.get("context") and user_id:
        token = str(event["context"])
        joined = call.services.redeem_opt_in(
            session, call.secret_keys, shop, "viber", token, user_id, now
        )
        text = confirmation(shop, joined, str(user.get("language") or "en"))
        sender = str(configs[0].get("sender_name") or shop.name)[:28]
        return json_reply({"sender": {"name": sender}, "type": "text", "text": text})
    if kind == "subscribed" and user_id:
        call.services.mark_reachable(session, shop.id, "viber", user_id)
    elif kind == "unsubscribed" and user_id:
        call.services.opt_out(
            session, shop.id, "viber", user_id, "viber: unsubscribed", "viber", now
        )
    elif kind in STATES:
        detail = {"status": kind, "user_id": user_id, "desc": event.get("desc")}
        token = str(event.get("message_token") or "")
        call.services.record_receipt(session, shop.id, "viber", token, STATES[kind], detail, now)
    elif kind == "message" and user_id:
        text = str(obj(event.get("message")).get("text") or "")
        call.services.record_inbound(session, shop.id, "viber", user_id, text, "viber", now)
    return json_reply({})
