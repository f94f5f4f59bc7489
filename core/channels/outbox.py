"""The dev outbox: where messages go when no real channel is configured (`wismo demo`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from core.errors import ConfigError
from core.plugins import ChannelMetadata

from .base import ChannelContext, OutboundMessage


class OutboxChannel:
    """Hands every message to the service's outbox recorder instead of sending it."""

    name: ClassVar[str] = "outbox"
    kinds: ClassVar[frozenset[str]] = frozenset(
        {"email", "sms", "whatsapp", "telegram", "viber", "webhook"}
    )
    metadata: ClassVar[ChannelMetadata] = ChannelMetadata(
        slug="outbox",
        label="Dev outbox (no real sending)",
        defines=(),
    )

    def __init__(self, record: Callable[[OutboundMessage, str], str]) -> None:
        self._record = record

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: ChannelContext) -> OutboxChannel:
        """Build from the context's recorder; the config is ignored."""
        if context.record_outbox is None:
            raise ConfigError("the outbox channel needs a ChannelContext.record_outbox")
        return cls(context.record_outbox)

    def send(self, message: OutboundMessage) -> str:
        """Record the message in the outbox; return the stored id."""
        return self._record(message, self.name)
