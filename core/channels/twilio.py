"""SMS and WhatsApp through Twilio's Messages API, with signed status callbacks.

Plain `requests` rather than the `twilio` package: we need one POST and one HMAC
check, and the SDK would add a dependency tree (aiohttp, PyJWT) for them.

    POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json   (Basic auth)
    To, From | MessagingServiceSid, Body, StatusCallback   (form-encoded)

Config: `account_sid`, `auth_token` (secret), `from` (a number, or for WhatsApp the
sender "whatsapp:+..." or a plain number) or `messaging_service_sid`, optional
`base_url` and `timeout`. The StatusCallback points at
`{public_url}/webhooks/providers/twilio?shop=<shop key>`, so receipts find their shop.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from core import netguard
from core.capabilities import ProviderCall, ProviderReply
from core.errors import (
    ConfigError,
    InvalidSignature,
    MalformedPayload,
    PermanentChannelError,
    RecipientOptedOut,
)
from core.i18n import N_
from core.plugins import ChannelMetadata, ConfigField

from . import http
from . import kinds as message_kinds
from .base import ChannelContext, OutboundMessage

API = "https://api.twilio.com"
OPTED_OUT = {21610}  # "Attempt to send to unsubscribed recipient" (the shopper texted STOP)
BAD_NUMBER = {21211, 21214, 21612, 21614, 63024}  # invalid, unreachable, not mobile, ...


class TwilioChannel:
    """One Twilio account sending SMS, or WhatsApp through a Twilio WhatsApp sender."""

    name: ClassVar[str] = "twilio"
    kinds: ClassVar[frozenset[str]] = frozenset({"sms", "whatsapp"})
    metadata: ClassVar[ChannelMetadata] = ChannelMetadata(
        slug="twilio",
        label="Twilio (SMS, WhatsApp)",
        fields=(
            ConfigField("account_sid", N_("Account SID (AC...)")),
            ConfigField("auth_token", N_("Auth token"), secret=True),
            ConfigField("from", N_("From number (E.164), or")),
            ConfigField("messaging_service_sid", N_("Messaging Service SID (MG...)")),
        ),
        defines=(message_kinds.SMS, message_kinds.WHATSAPP),
        accepted_as="queued",
    )

    @staticmethod
    def handle_callback(call: ProviderCall) -> ProviderReply:
        """Status callbacks and inbound texts (STOP) at `/webhooks/providers/twilio`."""
        return callback(call)

    def __init__(self, config: Mapping[str, Any], context: ChannelContext) -> None:
        self.account_sid, self.auth_token = http.required(
            config, "twilio", "account_sid", "auth_token"
        )
        self.sender = str(config.get("from") or "")
        self.service = str(config.get("messaging_service_sid") or "")
        if not (self.sender or self.service):
            raise ConfigError("twilio needs 'from' (a number) or 'messaging_service_sid'")
        self.base_url = str(config.get("base_url") or API).rstrip("/")
        self.callback = config.get("status_callback")
        self.timeout = http.timeout_of(config)
        self.context = context
        self.session = netguard.session()

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: ChannelContext) -> TwilioChannel:
        """Build from {account_sid, auth_token, from | messaging_service_sid}."""
        return cls(config, context)

    def form(self, message: OutboundMessage) -> dict[str, str]:
        """The form fields Twilio's Messages API takes for this message."""
        whatsapp = message.kind == "whatsapp"
        to = f"whatsapp:{message.to}" if whatsapp else message.to
        form = {"To": to, "Body": message.text}
        if self.service:
            form["MessagingServiceSid"] = self.service
        else:
            sender = self.sender
            if whatsapp and not sender.startswith("whatsapp:"):
                sender = f"whatsapp:{sender}"
            form["From"] = sender
        shop = message.metadata.get("shop")
        callback = self.callback or (
            f"{self.context.public_url}/webhooks/providers/twilio?shop={quote(str(shop))}"
            if shop
            else None
        )
        if callback:
            form["StatusCallback"] = str(callback)
        return form

    def send(self, message: OutboundMessage) -> str:
        """Create the message at Twilio; return its SID (SM...)."""
        url = f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        r = http.request(
            self.session,
            "twilio",
            "POST",
            url,
            data=self.form(message),
            auth=(self.account_sid, self.auth_token),
            timeout=self.timeout,
        )
        http.server_trouble("twilio", r)
        body = http.json_of(r)
        if r.status_code in (200, 201) and body.get("sid"):
            return str(body["sid"])
        code = body.get("code")
        said = body.get("message") or netguard.short_reason(r)
        reason = f"twilio {r.status_code} error {code}: {said}"
        if code in OPTED_OUT:
            raise RecipientOptedOut(reason)
        raise PermanentChannelError(reason, unreachable=code in BAD_NUMBER)


def signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by each sorted key+value."""
    data = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid_signature(auth_token: str, url: str, params: Mapping[str, str], given: str) -> bool:
    """Whether `given` signs this request (constant-time comparison)."""
    return bool(given) and hmac.compare_digest(signature(auth_token, url, params), given)


STATES = {
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
"""Twilio's message status → Notification.delivery."""


def callback(call: ProviderCall) -> ProviderReply:
    """Verify X-Twilio-Signature over the URL and form, then record a receipt or a text."""
    params, session, shop, now = dict(call.request.form), call.session, call.shop, call.now
    given = call.request.header("X-Twilio-Signature")
    if not any(
        valid_signature(str(conf.get("auth_token")), call.request.url, params, given)
        for conf in call.configs
    ):
        raise InvalidSignature("X-Twilio-Signature does not match")
    status = params.get("MessageStatus") or params.get("SmsStatus") or ""
    sender = params.get("From", "")
    if status == "received" or ("Body" in params and "MessageStatus" not in params):
        channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
        address = sender.removeprefix("whatsapp:")
        call.services.record_inbound(
            session, shop.id, channel, address, params.get("Body"), "twilio", now
        )
        return ProviderReply(200, "<Response/>", "text/xml")
    delivery = STATES.get(status)
    if delivery is None:
        raise MalformedPayload("no MessageStatus in the callback", {"MessageStatus": "missing"})
    code = params.get("ErrorCode") or None
    detail = {"status": status, "error_code": code}
    note = call.services.record_receipt(
        session, shop.id, "twilio", params.get("MessageSid", ""), delivery, detail, now
    )
    if note is not None and code in {str(x) for x in OPTED_OUT}:
        call.services.opt_out(
            session,
            shop.id,
            note.channel,
            note.recipient or "",
            f"twilio {code}",
            "twilio",
            call.now,
        )
    return ProviderReply(204)
