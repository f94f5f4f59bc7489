"""The dev outbox hands messages to the service's recorder."""

from __future__ import annotations

import pytest

from core.channels.base import ChannelContext, OutboundMessage
from core.channels.outbox import OutboxChannel
from core.errors import ConfigError


def test_send_records_the_message_and_returns_the_stored_id() -> None:
    recorded: list[tuple[OutboundMessage, str]] = []

    def record(message: OutboundMessage, channel: str) -> str:
        recorded.append((message, channel))
        return f"outbox-{len(recorded)}"

    channel = OutboxChannel.from_config({}, ChannelContext(record_outbox=record))
    message = OutboundMessage(1, 2, "sms", "+4915112345678", "Ihre Bestellung ist unterwegs")
    assert channel.send(message) == "outbox-1"
    assert recorded == [(message, "outbox")]


def test_without_a_recorder_it_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        OutboxChannel.from_config({}, ChannelContext())
