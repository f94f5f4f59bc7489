"""The one place that wires settings, storage, the queue, rendering and channels together."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.channels.base import Channel, ChannelContext, OutboundMessage
from core.crypto import SecretBox
from core.errors import ConfigError
from core.links import Links
from core.plugins import load_plugins
from core.queue import InlineQueue, JobQueue, ThreadQueue
from core.rendering import Renderer
from core.services.shops import ShopKeyCache
from core.settings import Settings
from core.shop_settings import settings_of
from core.storage.db import make_engine, make_sessionmaker
from core.storage.models import OutboxMessage, Shop

log = logging.getLogger(__name__)


class Container:
    """Everything a request or a job needs, built once per process from Settings."""

    def __init__(
        self, settings: Settings, queue: JobQueue | None = None, engine: Engine | None = None
    ) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url)
        self.sessions: sessionmaker[Session] = make_sessionmaker(self.engine)
        self.box = SecretBox(settings.secret_key, settings.secret_key_previous)
        self.links = Links(settings.secret_key, settings.public_url, settings.secret_key_previous)
        self._queue = queue
        self.shop_keys = ShopKeyCache()

    def session(self) -> Session:
        """A new session; use it as a context manager."""
        return self.sessions()

    @cached_property
    def queue(self) -> JobQueue:
        """rq when WISMO_REDIS_URL is set; inline or a background thread otherwise."""
        if self._queue is not None:
            return self._queue
        if self.settings.redis_url:
            from core.queue_rq import RqQueue

            return RqQueue(self.settings.redis_url, self.settings.queue_name)
        return InlineQueue() if self.settings.inline_jobs else ThreadQueue()

    def renderer_for(self, shop: Shop) -> Renderer:
        """The renderer with this shop's edited templates laid over the defaults.

        Cheap to build: the Jinja environment for a set of overrides is cached by rendering.
        """
        return Renderer(overrides=settings_of(shop).templates)

    def channel(self, name: str, config: Mapping[str, Any]) -> Channel:
        """Build the named channel plug-in with a shop's config for it."""
        plugins = load_plugins("wismo.channels")
        cls = plugins.loaded.get(name)
        if cls is None:
            why = plugins.failed.get(name, "no such channel is installed")
            raise ConfigError(f"channel {name!r} unavailable: {why}")
        context = ChannelContext(
            public_url=self.settings.public_url, record_outbox=self.record_outbox
        )
        return cls.from_config(config, context)  # type: ignore[attr-defined]

    def record_outbox(self, message: OutboundMessage, channel: str) -> str:
        """Keep a message in the dev outbox (its own transaction)."""
        with self.session() as s, s.begin():
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


_current: Container | None = None
_lock = threading.Lock()


def use(container: Container | None) -> None:
    """Make `container` the one jobs in this process use (tests, the CLI)."""
    global _current
    _current = container


def container() -> Container:
    """This process's container, built from the environment on first use (rq workers)."""
    global _current
    with _lock:
        if _current is None:
            _current = Container(Settings.from_env())
        return _current
