"""The Container: what one process built once from Settings (see `core.bootstrap`).

A plain holder. Entry points (the web app, the worker's job runner, the CLI) take the parts
a service names from it; services themselves never see it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core import hooks
from core.channels.base import Channel
from core.crypto import SecretBox
from core.links import Links
from core.queue import JobQueue
from core.rendering import Renderer
from core.services.outbound import ChannelFactory, Providers, RetryPolicy
from core.services.shops import ShopKeyCache
from core.settings import Settings
from core.shop_settings import settings_of
from core.storage.models import Shop


class Container:
    """Everything a request or a job needs, built once per process by `bootstrap()`."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        sessions: sessionmaker[Session],
        box: SecretBox,
        links: Links,
        channels: ChannelFactory,
        queue: JobQueue,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.sessions = sessions
        self.box = box
        self.links = links
        self.channels = channels
        self.queue = queue
        self.providers = Providers(box, settings.smtp_url, channels)
        self.policy = RetryPolicy(settings.max_attempts, settings.retry_backoff)
        self.shop_keys = ShopKeyCache()

    def session(self) -> Session:
        """A new session; use it as a context manager."""
        return self.sessions()

    def renderer_for(self, shop: Shop) -> Renderer:
        """The renderer with this shop's edited templates laid over the defaults."""
        return Renderer(settings_of(shop).templates, hooks.shop_view(shop))

    def channel(self, name: str, config: Mapping[str, Any]) -> Channel:
        """Build the named channel plug-in with a shop's config for it."""
        return self.channels(name, config)
