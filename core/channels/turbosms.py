"""SMS through TurboSMS (Ukraine), its HTTP API at api.turbosms.ua.

    POST {base_url}/message/send.json     Authorization: Bearer <token>
    {"recipients": ["380671234567"], "sms": {"sender": "Shop", "text": "..."}}

TurboSMS answers HTTP 200 to every well-formed request and puts the outcome in
`response_code` (800-803: accepted or sent; per recipient 0 / "OK" with a
`message_id`). `sequence_id` (our idempotency key) makes a retried request run once.
Numbers go without the leading "+". Config: `token` (secret), `sender` (an alpha name
registered with TurboSMS), optional `base_url`, `timeout`. TurboSMS pushes no receipts:
messages stay at delivery "sent" (its status is in the TurboSMS cabinet).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from core import netguard
from core.errors import PermanentChannelError, TransientChannelError
from core.i18n import N_
from core.plugins import ChannelMetadata, ConfigField

from . import http
from . import kinds as message_kinds
from .base import ChannelContext, OutboundMessage

API = "https://api.turbosms.ua"
ACCEPTED = {0, 800, 801, 802, 803}
BUSY = {999}  # internal error on TurboSMS's side: worth a retry


class TurboSmsChannel:
    """One TurboSMS account and sender name."""

    name: ClassVar[str] = "turbosms"
    kinds: ClassVar[frozenset[str]] = frozenset({"sms"})
    metadata: ClassVar[ChannelMetadata] = ChannelMetadata(
        slug="turbosms",
        label="TurboSMS",
        fields=(
            ConfigField("sender", N_("Sender name")),
            ConfigField("token", N_("API token"), secret=True),
        ),
        defines=(message_kinds.SMS,),
        accepted_as="sent",
    )

    def __init__(self, config: Mapping[str, Any], context: ChannelContext) -> None:
        self.token, self.sender = http.required(config, "turbosms", "token", "sender")
        self.base_url = str(config.get("base_url") or API).rstrip("/")
        self.timeout = http.timeout_of(config)
        self.session = netguard.session()

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: ChannelContext) -> TurboSmsChannel:
        """Build from {token, sender}."""
        return cls(config, context)

    def payload(self, message: OutboundMessage) -> dict[str, Any]:
        """The JSON body of message/send for this one SMS."""
        body: dict[str, Any] = {
            "recipients": [message.to.lstrip("+")],
            "sms": {"sender": self.sender, "text": message.text},
        }
        if message.idempotency_key:
            body["sequence_id"] = message.idempotency_key
        return body

    def send(self, message: OutboundMessage) -> str:
        """Send the SMS; return TurboSMS's message id."""
        r = http.request(
            self.session,
            "turbosms",
            "POST",
            f"{self.base_url}/message/send.json",
            json=self.payload(message),
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=self.timeout,
        )
        http.server_trouble("turbosms", r)
        body = http.json_of(r)
        code, status = body.get("response_code"), body.get("response_status")
        results = body.get("response_result") or []
        first = results[0] if isinstance(results, list) and results else {}
        if r.status_code == 200 and code in ACCEPTED and isinstance(first, dict):
            if first.get("response_code") == 0 and first.get("message_id"):
                return str(first["message_id"])
            reason = f"turbosms refused {message.to}: {first.get('response_status')}"
            raise PermanentChannelError(reason, unreachable=True)
        reason = f"turbosms {r.status_code} {code} {status}"
        if code in BUSY:
            raise TransientChannelError(reason)
        raise PermanentChannelError(reason)
