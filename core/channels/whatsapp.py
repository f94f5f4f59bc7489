"""WhatsApp through Meta's WhatsApp Business Cloud API.

    POST {base_url}/{api_version}/{phone_number_id}/messages    Authorization: Bearer <token>

WhatsApp allows free text only within 24 hours of the shopper's last message to the
business; outside that window only pre-approved templates go out. Delivery passes the
last inbound time as `metadata["last_inbound_at"]` (ISO 8601, from the receipts log).
Config: `access_token`, `app_secret` and `verify_token` (secrets), `phone_number_id`,
`templates` (status -> {"name": ..., "params": ["order_number", "tracking_link"]}, the
params being message metadata keys), `languages` (locale -> template language code,
default the locale itself), optional `api_version`, `base_url`, `timeout`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta
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
from .callbacks import json_body, json_reply

API = "https://graph.facebook.com"
VERSION = "v21.0"
WINDOW = timedelta(hours=24)
RATE_LIMITED = {4, 80007, 130429, 131056}  # app, account, throughput and pair rate limits
TRANSIENT = {1, 2, 131000, 131016}  # unknown / service unavailable
OPTED_OUT = {131050}  # the shopper stopped marketing messages from this business
BAD_NUMBER = {131026, 131021}  # undeliverable, recipient cannot be the sender


class WhatsAppCloudChannel:
    """Sends template or free-text messages from one WhatsApp Business phone number."""

    name: ClassVar[str] = "whatsapp_cloud"
    kinds: ClassVar[frozenset[str]] = frozenset({"whatsapp"})
    metadata: ClassVar[ChannelMetadata] = ChannelMetadata(
        slug="whatsapp_cloud",
        label="WhatsApp Cloud API",
        fields=(
            ConfigField("phone_number_id", N_("Phone number ID")),
            ConfigField("access_token", N_("Access token"), secret=True),
            ConfigField("app_secret", N_("App secret"), secret=True),
            ConfigField("verify_token", N_("Verify token"), secret=True),
            ConfigField(
                "templates",
                N_('Templates per status, JSON: {"shipped": {"name": ...}}'),
                kind="json",
            ),
            ConfigField("languages", N_('Template languages, JSON: {"uk": "uk"}'), kind="json"),
        ),
        defines=(message_kinds.WHATSAPP,),
        accepted_as="queued",
    )

    @staticmethod
    def handle_callback(call: ProviderCall) -> ProviderReply:
        """Meta's URL check, statuses, inbound texts at `/webhooks/providers/whatsapp_cloud`."""
        return callback(call)

    def __init__(self, config: Mapping[str, Any], context: ChannelContext) -> None:
        self.token, self.number_id = http.required(
            config, "whatsapp_cloud", "access_token", "phone_number_id"
        )
        self.templates: Mapping[str, Any] = config.get("templates") or {}
        self.languages: Mapping[str, str] = config.get("languages") or {}
        self.version = str(config.get("api_version") or VERSION)
        self.base_url = str(config.get("base_url") or API).rstrip("/")
        self.timeout = http.timeout_of(config)
        self.context = context
        self.session = netguard.session()

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], context: ChannelContext
    ) -> WhatsAppCloudChannel:
        """Build from {access_token, phone_number_id, templates, languages}."""
        return cls(config, context)

    def window_open(self, message: OutboundMessage) -> bool:
        """Whether the shopper wrote to us within the last 24 hours."""
        last = message.metadata.get("last_inbound_at")
        if not last:
            return False
        try:
            when = datetime.fromisoformat(str(last))
        except ValueError:
            return False
        return self.context.now() - when < WINDOW

    def payload(self, message: OutboundMessage) -> dict[str, Any]:
        """Free text inside the 24-hour window, else the status's approved template."""
        base = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        base["to"] = message.to.lstrip("+")
        if self.window_open(message):
            return {**base, "type": "text", "text": {"body": message.text}}
        status = str(message.metadata.get("status") or "")
        template = self.templates.get(status)
        if not isinstance(template, Mapping) or not template.get("name"):
            raise PermanentChannelError(
                f"whatsapp: no approved template for {status!r} and the 24-hour window is closed"
            )
        locale = str(message.metadata.get("locale") or "en")
        params = [
            {"type": "text", "text": str(message.metadata.get(key) or "-")}
            for key in template.get("params") or []
        ]
        body: dict[str, Any] = {
            "name": str(template["name"]),
            "language": {"code": self.languages.get(locale, locale)},
        }
        if params:
            body["components"] = [{"type": "body", "parameters": params}]
        return {**base, "type": "template", "template": body}

    def send(self, message: OutboundMessage) -> str:
        """Send; return the wamid WhatsApp gives the message."""
        r = http.request(
            self.session,
            "whatsapp_cloud",
            "POST",
            f"{self.base_url}/{self.version}/{self.number_id}/messages",
            json=self.payload(message),
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=self.timeout,
        )
        body = http.json_of(r)
        messages = body.get("messages")
        if r.status_code == 200 and isinstance(messages, list) and messages:
            return str(messages[0].get("id", ""))
        error = body.get("error") or {}
        code = error.get("code")
        said = error.get("message") or netguard.short_reason(r)
        reason = f"whatsapp_cloud {r.status_code} error {code}: {said}"
        if code in RATE_LIMITED or r.status_code == 429:
            raise TransientChannelError(reason, retry_after=http.retry_after_of(r) or 60)
        if code in TRANSIENT or r.status_code >= 500:
            raise TransientChannelError(reason)
        if code in OPTED_OUT:
            raise RecipientOptedOut(reason)
        raise PermanentChannelError(reason, unreachable=code in BAD_NUMBER)


def valid_signature(app_secret: str, body: bytes, header: str) -> bool:
    """X-Hub-Signature-256 ("sha256=<hex HMAC of the body>"), compared in constant time."""
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return bool(header) and hmac.compare_digest(expected, header)


STATES = {"sent": "sent", "delivered": "delivered", "read": "delivered", "failed": "failed"}
"""WhatsApp's message status → Notification.delivery."""


def callback(call: ProviderCall) -> ProviderReply:
    """Answer Meta's verification (GET); verify X-Hub-Signature-256, then apply (POST)."""
    req, session, shop, now = call.request, call.session, call.shop, call.now
    if req.method == "GET":  # Meta's one-time verification of the callback URL
        given = req.query.get("hub.verify_token", "")
        tokens = [str(conf.get("verify_token") or "") for conf in call.configs]
        if req.query.get("hub.mode") != "subscribe" or not any(
            t and hmac.compare_digest(t, given) for t in tokens
        ):
            raise InvalidSignature("hub.verify_token does not match")
        return ProviderReply(200, req.query.get("hub.challenge", ""), "text/plain")
    given = req.header("X-Hub-Signature-256")
    if not any(
        valid_signature(str(conf.get("app_secret")), req.body, given) for conf in call.configs
    ):
        raise InvalidSignature("X-Hub-Signature-256 does not match")
    for entry in json_body(call).get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for st in value.get("statuses") or []:
                codes = [e.get("code") for e in st.get("errors") or []]
                detail = {"status": st.get("status"), "error_codes": codes}
                delivery = STATES.get(str(st.get("status")))
                if delivery:
                    message_id = str(st.get("id") or "")
                    call.services.record_receipt(
                        session, shop.id, "whatsapp_cloud", message_id, delivery, detail, now
                    )
            for msg in value.get("messages") or []:
                address = "+" + str(msg.get("from") or "").lstrip("+")
                text = (msg.get("text") or {}).get("body") or (msg.get("button") or {}).get("text")
                call.services.record_inbound(
                    session, shop.id, "whatsapp", address, text, "whatsapp_cloud", now
                )
    return json_reply({})
