"""Telegram: a store's own bot sends each shopper who opted in through its t.me link.

    POST {base_url}/bot<bot_token>/sendMessage   {"chat_id": ..., "text": ...}

Config: `bot_token` and `webhook_secret` (secrets), `bot_username` (for the
t.me/<bot>?start=<token> link), optional `base_url`, `timeout`. A chat that blocked
the bot answers 403: the shopper is marked unreachable and opted out. A 429 carries
`parameters.retry_after`, which the retry honours.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import requests

from core.errors import PermanentChannelError, RecipientOptedOut, TransientChannelError
from core.plugins import ChannelMetadata, ConfigField

from . import http
from . import kinds as message_kinds
from .base import ChannelContext, OutboundMessage

API = "https://api.telegram.org"


class TelegramChannel:
    """Sends text through one shop's Telegram bot."""

    name: ClassVar[str] = "telegram"
    kinds: ClassVar[frozenset[str]] = frozenset({"telegram"})
    metadata: ClassVar[ChannelMetadata] = ChannelMetadata(
        slug="telegram",
        label="Telegram bot",
        fields=(
            ConfigField("bot_username", "Bot username"),
            ConfigField("bot_token", "Bot token", secret=True),
            ConfigField("webhook_secret", "Webhook secret", secret=True),
        ),
        defines=(message_kinds.TELEGRAM,),
        accepted_as="sent",
    )

    def __init__(self, config: Mapping[str, Any], context: ChannelContext) -> None:
        (self.token,) = http.required(config, "telegram", "bot_token")
        self.base_url = str(config.get("base_url") or API).rstrip("/")
        self.timeout = http.timeout_of(config)
        self.session = requests.Session()

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
        reason = f"telegram {code}: {body.get('description') or r.text[:200]}"
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
