"""Signed webhooks to a merchant's own system (CRM, ERP), in the Standard Webhooks format.

Each message is one POST with a JSON body (UTF-8):

    {
      "type": "order.status_changed",              # or metadata["event_type"], e.g.
                                                    # "order.problem_reported"
      "timestamp": "2024-05-01T12:00:00+00:00",     # when it was sent, ISO 8601
      "data": {
        ...message.metadata,                        # order number, status, locale, ...
        "text": "Your order #1001 has shipped",     # the rendered plain text
        "subject": "Order #1001 shipped"            # or null
      }
    }

and the headers `webhook-id` (the message's idempotency key, the same on every retry,
so the receiver can deduplicate), `webhook-timestamp` (Unix seconds) and
`webhook-signature` ("v1,<base64 HMAC-SHA256>", see core.signing), which any Standard
Webhooks library verifies with the shop's `whsec_...` secret. Metadata values that JSON
cannot hold (dates, decimals) are sent as their string form.

Config: `url`, `secret`, `timeout` (seconds, default 10). Without `url`, `message.to`
is the endpoint. Redirects are not followed: the merchant configures the final URL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar

import requests

from core import netguard, signing
from core.errors import ConfigError, PermanentChannelError, TransientChannelError
from core.i18n import N_
from core.plugins import ChannelMetadata, ConfigField

from . import kinds as message_kinds
from .base import ChannelContext, OutboundMessage

EVENT_TYPE = "order.status_changed"
_RETRYABLE = {408, 425, 429}


def _user_agent() -> str:
    try:
        return f"Wismo/{version('wismo')}"
    except PackageNotFoundError:
        return "Wismo"


class WebhookChannel:
    """POSTs each message as a signed JSON event to one URL."""

    name: ClassVar[str] = "webhook"
    kinds: ClassVar[frozenset[str]] = frozenset({"webhook"})
    metadata: ClassVar[ChannelMetadata] = ChannelMetadata(
        slug="webhook",
        label="Webhook (your own system)",
        fields=(
            ConfigField("url", N_("Endpoint URL")),
            ConfigField("secret", N_("Signing secret (whsec_...)"), secret=True),
        ),
        defines=(message_kinds.WEBHOOK,),
    )

    def __init__(
        self,
        url: str | None,
        secret: str,
        context: ChannelContext,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        if not secret:
            raise ConfigError("the webhook channel needs a signing secret (whsec_...)")
        signing.secret_key(secret)  # fail now, not at the first send, if it is malformed
        self.url = url
        self.secret = secret
        self.context = context
        self.timeout = timeout
        self.session = session or netguard.session()

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: ChannelContext) -> WebhookChannel:
        """Build from {url, secret, timeout}."""
        try:
            timeout = float(config.get("timeout") or 10.0)
        except (TypeError, ValueError):
            raise ConfigError("the webhook timeout must be a number of seconds") from None
        return cls(
            url=config.get("url") or None,
            secret=str(config.get("secret") or ""),
            context=context,
            timeout=timeout,
        )

    def payload(self, message: OutboundMessage, sent_at: datetime) -> bytes:
        """Return the JSON body for `message` (see the module docstring)."""
        data = {**message.metadata, "text": message.text, "subject": message.subject}
        kind = data.pop("event_type", None) or EVENT_TYPE  # e.g. order.problem_reported
        event = {"type": kind, "timestamp": sent_at.isoformat(), "data": data}
        return json.dumps(event, ensure_ascii=False, default=str).encode("utf-8")

    def send(self, message: OutboundMessage) -> str:
        """POST the event; return the webhook-id."""
        url = self.url or message.to
        if not url.startswith(("https://", "http://")):
            raise PermanentChannelError(f"not an http(s) URL: {url!r}", unreachable=True)
        sent_at = self.context.now().astimezone(UTC)
        msg_id = message.idempotency_key or f"wismo_{message.notification_id}"
        body = self.payload(message, sent_at)
        headers = {
            "content-type": "application/json",
            "user-agent": _user_agent(),
            **signing.sign_headers(self.secret, msg_id, int(sent_at.timestamp()), body),
        }
        try:
            response = self.session.post(
                url, data=body, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise TransientChannelError(f"webhook endpoint unreachable: {exc}") from exc
        except requests.RequestException as exc:  # invalid URL and the like
            raise PermanentChannelError(f"webhook request failed: {exc}") from exc
        status = response.status_code
        if 200 <= status < 300:
            return msg_id
        reason = f"webhook endpoint answered {netguard.short_reason(response)}"
        if status >= 500 or status in _RETRYABLE:
            retry_after = parse_retry_after(response.headers.get("retry-after"), sent_at)
            raise TransientChannelError(reason, retry_after=retry_after)
        raise PermanentChannelError(reason)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Return a Retry-After header (seconds or an HTTP date) as seconds from `now`."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
