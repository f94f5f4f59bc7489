"""The Channel protocol and the message it sends."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol, runtime_checkable


@dataclass(frozen=True)
class OutboundMessage:
    """One rendered message, ready for a channel to send.

    `idempotency_key` is stable for the notification, so a provider that supports
    idempotency (or a receiver that deduplicates) sees a retry as the same message.
    """

    notification_id: int
    shop_id: int
    kind: str  # "email", "sms", "webhook", "telegram", ...
    to: str  # address, phone number, chat id or URL, depending on kind
    text: str
    subject: str | None = None
    html: str | None = None
    idempotency_key: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)  # extra email headers
    metadata: Mapping[str, Any] = field(default_factory=dict)  # order number, status, locale...


@dataclass(frozen=True)
class ChannelContext:
    """What the running service gives every channel it builds."""

    public_url: str = "http://127.0.0.1:5000"
    sender_name: str = "Wismo"
    record_outbox: Callable[[OutboundMessage, str], str] | None = None
    """Where the dev outbox keeps messages: (message, channel name) -> stored id."""
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@runtime_checkable
class Channel(Protocol):
    """Sends one message; returns the provider's message id.

    Raises TransientChannelError when a retry may succeed, PermanentChannelError
    when it cannot (the dispatcher then fails over or dead-letters the message).
    Built with `from_config(config, context)`, `config` being the shop's settings
    for this channel (credentials already decrypted).
    """

    name: ClassVar[str]
    kinds: ClassVar[frozenset[str]]

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: ChannelContext) -> Channel: ...

    def send(self, message: OutboundMessage) -> str: ...
