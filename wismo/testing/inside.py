"""A real Wismo inside a plug-in package's own tests: the `wismo_inside` fixture.

`bootstrap()` on a fresh SQLite file, jobs run in-process as they are queued, the web app
from `create_app(container=...)`, messages to the dev outbox (no SMTP), and a clock that
stands still at a fixed moment until the test moves it, so nothing depends on today:

    # conftest.py
    pytest_plugins = ["wismo.testing.http_stub", "wismo.testing.inside"]

    # tests/test_inside_wismo.py
    def test_a_shipped_order_is_told(wismo_inside):
        shop = wismo_inside.add_shop(platform="acme")
        r = wismo_inside.post_webhook(shop, signed(webhook_body(), shop.webhook_secret))
        assert r.status_code == 200
        (message,) = wismo_inside.outbox(shop)

`later(minutes=5)` moves the clock and runs what Wismo's scheduler would at that moment
(the relay, which retries due messages); `poll_carriers()` runs one carrier polling tick.
Your plug-in must be installed (`pip install -e .`): Wismo finds it by its entry point,
exactly as in production. Needs `time-machine` (in your package's test extra).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from core.adapters import InboundRequest
from core.bootstrap import Container, bootstrap
from core.domain.events import OrderEventIn
from core.plugins import clear_plugin_cache
from core.queue import InlineQueue
from core.services.ingest import Ingested, ingest
from core.services.polling import PollReport, poll_tick
from core.services.relay import RelayReport, relay_tick
from core.services.shops import create_shop
from core.settings import Settings
from core.storage.models import Base, Notification, Order, OutboxMessage
from webapp import create_app

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
"""Where the clock stands when a test begins (a Monday morning, UTC)."""

SECRET_KEY = "wismo-inside-test-secret-0123456789abcdef"


@dataclass(frozen=True)
class InsideShop:
    """A shop of the booted Wismo, with the credentials shown once at its creation."""

    id: int
    key: str
    platform: str
    api_key: str
    webhook_secret: str


@dataclass(frozen=True)
class Message:
    """One notification Wismo planned, and where it stands."""

    status: str
    channel: str
    state: str
    attempts: int
    provider: str | None
    recipient: str | None
    locale: str | None
    last_error: str | None


@dataclass(frozen=True)
class OutboxEntry:
    """A message the dev outbox kept instead of sending (email when no SMTP is set)."""

    kind: str
    recipient: str
    subject: str | None
    text: str


@dataclass
class InsideWismo:
    """A booted Wismo, and the few moves a plug-in's end-to-end test makes with it."""

    container: Container
    app: Flask
    client: FlaskClient
    traveller: Any  # time_machine's traveller: the test's clock
    _polls: list[float] = field(default_factory=list)

    def now(self) -> datetime:
        """The test's clock."""
        return datetime.now(UTC)

    def add_shop(
        self,
        platform: str = "api",
        name: str = "Test Shop",
        secrets: Mapping[str, Any] | None = None,
        **settings: Any,
    ) -> InsideShop:
        """Create a shop (no debounce, no quiet hours unless given); seal `secrets` with its own.

        `settings` are the shop's settings (channels, carriers, policy, locale, country...);
        `secrets` what goes sealed next to the webhook secret, e.g.
        `{"channels": {"push": [{"token": "..."}]}, "carriers": {"acme": {"api_key": "..."}}}`.
        """
        policy = {
            "debounce_seconds": 0,
            "quiet_hours": ["00:00", "00:00"],
            **settings.pop("policy", {}),
        }
        c = self.container
        with c.session() as s:
            new = create_shop(
                s, c.box, name=name, platform=platform, settings={"policy": policy, **settings}
            )
            if secrets:
                new.shop.secrets = c.box.seal({**c.box.open(new.shop.secrets), **secrets})
            s.commit()
            return InsideShop(new.shop.id, new.shop.key, platform, new.api_key, new.webhook_secret)

    def post_webhook(self, shop: InsideShop, request: InboundRequest) -> TestResponse:
        """POST a platform's webhook (raw body and headers) to /webhooks/<platform>/<shop key>."""
        return self.client.post(
            f"/webhooks/{shop.platform}/{shop.key}",
            data=request.body,
            headers=dict(request.headers),
        )

    def post_event(self, shop: InsideShop, body: Mapping[str, Any]) -> TestResponse:
        """POST one event to the event API (`/api/v1/orders/events`) with the shop's API key."""
        return self.client.post(
            "/api/v1/orders/events",
            data=json.dumps(body),
            headers={"Authorization": f"Bearer {shop.api_key}", "Content-Type": "application/json"},
        )

    def ingest(self, shop: InsideShop, *events: OrderEventIn) -> Ingested:
        """Hand canonical events to Wismo's one way in (stored once, then processed)."""
        with self.container.session() as s:
            return ingest(s, self.container.queue, shop.id, events)

    def later(self, **delta: float) -> RelayReport:
        """Move the clock on (`minutes=5`) and run the relay: due retries and forgotten work."""
        self.traveller.shift(timedelta(**delta))
        c = self.container
        return relay_tick(c.sessions, c.queue, c.settings, now=self.now())

    def poll_carriers(self) -> PollReport:
        """One carrier polling tick at the test's clock (rate-limit waits are not slept)."""
        return poll_tick(self.container, now=self.now(), clock=self._tick, sleep=self._polls.append)

    def _tick(self) -> float:
        return sum(self._polls)

    def messages(
        self, shop: InsideShop, status: str | None = None, channel: str | None = None
    ) -> list[Message]:
        """The shop's notifications (optionally of one status or channel), oldest first."""
        q = select(Notification).where(Notification.shop_id == shop.id).order_by(Notification.id)
        if status:
            q = q.where(Notification.status == status)
        if channel:
            q = q.where(Notification.channel == channel)
        with self.container.session() as s:
            return [
                Message(
                    n.status,
                    n.channel,
                    n.state,
                    n.attempts,
                    n.provider,
                    n.recipient,
                    n.locale,
                    n.last_error,
                )
                for n in s.scalars(q)
            ]

    def outbox(self, shop: InsideShop) -> list[OutboxEntry]:
        """What the dev outbox kept for the shop, oldest first."""
        q = select(OutboxMessage).where(OutboxMessage.shop_id == shop.id)
        with self.container.session() as s:
            return [
                OutboxEntry(m.kind, m.recipient, m.subject, m.text)
                for m in s.scalars(q.order_by(OutboxMessage.id))
            ]

    def order_status(self, shop: InsideShop, external_id: str) -> str | None:
        """Where Wismo has the shop's order `external_id` (None: it never heard of it)."""
        q = select(Order.status).where(Order.shop_id == shop.id, Order.external_id == external_id)
        with self.container.session() as s:
            return s.scalar(q)


def boot(folder: Path, **settings: Any) -> Container:
    """A Wismo on a fresh SQLite file in `folder`, its jobs run in-process as queued."""
    c = bootstrap(
        Settings(
            database_url=f"sqlite:///{folder / 'wismo.db'}",
            secret_key=SECRET_KEY,
            public_url=settings.pop("public_url", "http://wismo.test"),
            inline_jobs=True,
            **settings,
        ),
        queue=InlineQueue,
    )
    Base.metadata.create_all(c.engine)
    return c


@pytest.fixture
def wismo_inside(tmp_path: Path) -> Iterator[InsideWismo]:
    """A booted Wismo on SQLite with in-process jobs, its clock held at `START`."""
    import time_machine  # a test dependency of the package using this fixture

    clear_plugin_cache()  # the plug-ins installed now, not those an earlier test saw
    with time_machine.travel(START, tick=False) as traveller:
        c = boot(tmp_path)
        app = create_app(container=c)
        try:
            yield InsideWismo(c, app, app.test_client(), traveller)
        finally:
            c.engine.dispose()
            clear_plugin_cache()
