"""Sending the admin's own messages (tests, previews, sign-in links) through the real channels.

The same providers a shop's notifications use, tried in order by the same `send_now`, so a
"send a test to me" proves exactly the path real messages take. A failed send answers after
`admin_test_floor_seconds` at the earliest, so its timing says nothing about the far end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.bootstrap import Container
from core.channels.base import OutboundMessage
from core.crypto import new_token
from core.errors import ConfigError
from core.services.outbound import send_now
from core.storage.models import Shop


@dataclass(frozen=True)
class Sent:
    """Where a message went: the provider that took it and its message id."""

    provider: str
    message_id: str


class SendFailed(Exception):
    """No provider accepted the message; the text says what each one answered."""


def send_direct(
    c: Container,
    shop: Shop,
    kind: str,
    to: str,
    text: str,
    subject: str | None = None,
    html: str | None = None,
    purpose: str = "test",
) -> Sent:
    """Send one message now on the shop's providers for `kind`; SendFailed if none took it."""
    started = time.monotonic()
    floor = c.settings.admin_test_floor_seconds
    try:
        providers = c.providers.for_shop(shop, kind)
    except ConfigError as exc:
        raise SendFailed(str(exc)) from exc
    if floor > 0:  # a test never waits longer than the floor for a silent server either
        providers = [(name, {**conf, "timeout": floor}) for name, conf in providers]
    message = OutboundMessage(
        notification_id=0,
        shop_id=shop.id,
        kind=kind,
        to=to,
        text=text,
        subject=subject,
        html=html,
        idempotency_key=f"admin-{purpose}-{new_token(8)}",
        metadata={"shop": shop.key, "purpose": purpose},
    )
    sent = send_now(c.channels, providers, message)
    if sent.provider is None or sent.message_id is None:
        # A failure answers no sooner than the floor, whether the port was closed, silent or
        # spoke something else: the admin's tests are no port scanner (issue 16 item 3).
        time.sleep(max(0.0, floor - (time.monotonic() - started)))
        raise SendFailed(sent.error or f"no {kind} provider is set up")
    return Sent(sent.provider, sent.message_id)
