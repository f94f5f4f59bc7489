"""One way out: a shop's providers for a channel, and `send_now` through them in order.

Every direct send goes through `send_now`: a stored notification (`delivery.deliver`), the
SMS-cap warning, a forwarded problem report, the admin's tests and sign-in links. It tries
the providers in order and says how the attempt ended; `RetryPolicy` says when a transient
failure is tried again and when it becomes a dead letter, the same for every caller.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from core import registry
from core.channels.base import Channel, ChannelContext, OutboundMessage
from core.crypto import SecretBox
from core.errors import (
    ConfigError,
    PermanentChannelError,
    RecipientOptedOut,
    TransientChannelError,
)
from core.plugins import CHANNELS
from core.shop_settings import settings_of
from core.storage.models import OutboxMessage, Shop

from .sender import relay_sender

log = logging.getLogger(__name__)

SWITCH_AFTER = 2
"""From this attempt on, a transient failure hands the message to the channel's next provider."""

Provider = tuple[str, dict[str, Any]]


class ChannelFactory(Protocol):
    """Builds the named channel plug-in with a shop's config for it."""

    def __call__(self, name: str, config: Mapping[str, Any]) -> Channel: ...


class PluginChannels:
    """The channel factory over the `wismo.channels` entry point group."""

    def __init__(self, public_url: str, sessions: sessionmaker[Session]) -> None:
        self.context = ChannelContext(public_url=public_url, record_outbox=self.record_outbox)
        self.sessions = sessions

    def __call__(self, name: str, config: Mapping[str, Any]) -> Channel:
        found = registry.channel(name)
        if found is None:
            why = registry.failure(CHANNELS, name) or "no such channel is installed"
            raise ConfigError(f"channel {name!r} unavailable: {why}")
        cls: Any = found.plugin
        return cls.from_config(config, self.context)

    def record_outbox(self, message: OutboundMessage, channel: str) -> str:
        """Keep a message in the dev outbox (its own transaction)."""
        with self.sessions() as s, s.begin():
            row = OutboxMessage(
                shop_id=message.shop_id,
                notification_id=message.notification_id,
                kind=message.kind,
                recipient=message.to,
                subject=message.subject,
                text=message.text,
                html=message.html,
                meta=dict(message.metadata),
            )
            s.add(row)
            s.flush()
            return f"outbox-{row.id}"


class Providers:
    """A shop's providers for each channel kind, and the channels they build."""

    def __init__(self, box: SecretBox, smtp_url: str | None, channels: ChannelFactory) -> None:
        self.box, self.smtp_url, self.channels = box, smtp_url, channels

    def for_shop(self, shop: Shop, kind: str) -> list[Provider]:
        """The shop's providers for a channel, in order; the service's SMTP or the outbox
        otherwise."""
        configured = [entry.config() for entry in settings_of(shop).providers(kind)]
        sealed = self.box.open(shop.secrets).get("channels", {}).get(kind) or []
        providers = []
        for i, entry in enumerate(configured):
            conf = {**entry, **(sealed[i] if i < len(sealed) else {})}
            providers.append((str(conf.pop("provider")), conf))
        if providers:
            return providers
        if kind == "email" and self.smtp_url:
            # the shop's own From only from a domain it verified (core.services.sender)
            sender = settings_of(shop).branding.sender_email
            return [("smtp", {"url": self.smtp_url, **relay_sender(shop, sender)})]
        return [("outbox", {})]


@dataclass(frozen=True)
class Sent:
    """How a `send_now` attempt ended.

    `provider` took it (with `message_id`, and the channel's `accepted_as`, when it says
    more than "sent"); otherwise `opted_out` says the shopper said stop at `stopped_by`, `transient`
    that trying again later may work, and `errors` what each provider answered.
    """

    provider: str | None = None
    message_id: str | None = None
    accepted_as: str | None = None
    errors: list[str] = field(default_factory=list)
    opted_out: str | None = None
    stopped_by: str | None = None
    transient: bool = False
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        """True when a provider took the message."""
        return self.provider is not None

    @property
    def error(self) -> str:
        """What each provider answered, in one line."""
        return "; ".join(self.errors)


def send_now(
    channels: ChannelFactory,
    providers: list[Provider],
    message: OutboundMessage,
    attempt: int | None = None,
) -> Sent:
    """Send `message` through the first of `providers` that takes it, with no transaction open.

    A permanent failure moves on to the next provider. A transient one moves on from the
    `SWITCH_AFTER`th attempt of a stored message (always for a one-off send, `attempt`
    None) and otherwise ends the attempt, to be retried. A shopper's stop ends it at once.
    """
    errors: list[str] = []
    retry: TransientChannelError | None = None
    for i, (name, conf) in enumerate(providers):
        try:
            channel = channels(name, conf)
            message_id = channel.send(message)
        except RecipientOptedOut as exc:  # the shopper said stop there: no other provider either
            return Sent(errors=[f"{name}: opted out: {exc}"], opted_out=str(exc), stopped_by=name)
        except (PermanentChannelError, ConfigError) as exc:
            errors.append(f"{name}: {exc}")
            continue
        except TransientChannelError as exc:
            errors.append(f"{name}: {exc}")
            retry = retry or exc
            moves_on = attempt is None or attempt >= SWITCH_AFTER
            if moves_on and i + 1 < len(providers):
                continue  # keeps failing: let the next provider try
            said = errors if attempt is None else [f"{name}: {exc}"]
            return Sent(errors=said, transient=True, retry_after=exc.retry_after)
        except Exception as exc:  # a bug or an unmapped vendor error: retry, then dead letter
            log.exception("channel %s failed unexpectedly", name)
            return Sent(errors=[f"{name}: {exc!r}"], transient=True)
        meta = registry.channel_metadata(name)  # what acceptance means (delivery or nothing)
        return Sent(name, message_id, meta.accepted_as if meta else None, errors)
    if retry is not None:
        return Sent(errors=errors, transient=True, retry_after=retry.retry_after)
    return Sent(errors=errors)


@dataclass(frozen=True)
class RetryPolicy:
    """When a transient failure is tried again, and after how many attempts it is dead."""

    max_attempts: int
    backoff: tuple[int, ...]

    def retry_at(
        self, attempts: int, now: datetime, retry_after: float | None = None
    ) -> datetime | None:
        """When to try again after `attempts` tries; None once they are used up."""
        if attempts >= self.max_attempts:
            return None
        delay = retry_after or self.backoff[min(attempts - 1, len(self.backoff) - 1)]
        return now + timedelta(seconds=delay)
