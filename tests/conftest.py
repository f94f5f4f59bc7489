"""Shared fixtures: a container on a fresh database, a shop, an app and its client.

The real servers (Redis, SMTP, PostgreSQL schemas, a stand-in HTTP API) live in
tests/support/ and are loaded as plugins here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from core import netguard
from core.bootstrap import Container, bootstrap
from core.queue import InlineQueue
from core.services.shops import create_shop
from core.settings import Settings
from core.storage.models import Base

pytest_plugins = [
    "tests.support.clock",
    "tests.support.servers",
    "tests.support.smtp_server",
    "tests.support.http_stub",
    "tests.support.browser",
    "tests.support.plugins",
]

# Property tests judge behaviour, never speed: 8 helpers share 2 cores, so Hypothesis's
# per-example deadline and its "generation is slow" check would fail tests at random.
hypothesis_settings.register_profile(
    "wismo", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("wismo")

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
TEST_ALLOW_PRIVATE_URLS = "127.0.0.0/8,::1"
"""The stand-in servers of tests/support listen on loopback: the test settings allow it,
exactly as a self-hoster allows a private CRM with WISMO_ALLOW_PRIVATE_URLS."""
TEST_ALLOW = netguard.parse_allow_list(TEST_ALLOW_PRIVATE_URLS)


@pytest.fixture(autouse=True)
def outbound_allow_list() -> Iterator[None]:
    """Each test starts with the test settings' allow-list in force (tests of refusal narrow
    it), and leaves the strict default behind."""
    netguard.configure(netguard.Policy(allow=TEST_ALLOW))
    yield
    netguard.configure(netguard.Policy())


def make_container(database_url: str, **overrides: Any) -> Container:
    """A container on `database_url` with jobs run inline, its tables created."""
    overrides.setdefault("public_url", "http://wismo.test")
    overrides.setdefault("allow_private_urls", TEST_ALLOW)
    overrides.setdefault("admin_test_floor_seconds", 0.0)
    settings = Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        inline_jobs=True,
        **overrides,
    )
    c = bootstrap(settings, queue=InlineQueue)
    Base.metadata.create_all(c.engine)
    return c


@pytest.fixture
def container(database_url: str) -> Iterator[Container]:
    """A container on a fresh SQLite (and, when configured, PostgreSQL) database."""
    c = make_container(database_url)
    yield c
    c.engine.dispose()


@pytest.fixture
def sqlite_container(tmp_path) -> Iterator[Container]:  # type: ignore[no-untyped-def]
    """A container on SQLite only, for tests that are about something else than storage."""
    c = make_container(f"sqlite:///{tmp_path / 'wismo.db'}")
    yield c
    c.engine.dispose()


def add_shop(c: Container, **settings: Any) -> Any:
    """A shop with debounce off (unless given) and email on the default statuses."""
    policy = {
        "debounce_seconds": 0,
        "quiet_hours": ["00:00", "00:00"],
        **settings.pop("policy", {}),
    }
    with c.session() as s:
        new = create_shop(
            s,
            c.box,
            name=settings.pop("name", "Test Shop"),
            platform=settings.pop("platform", "api"),
            settings={"policy": policy, **settings},
        )
        s.commit()
        return new


@pytest.fixture
def shop(container: Container) -> Any:
    """A freshly created API shop (NewShop: .shop, .api_key, .webhook_secret)."""
    return add_shop(container)
