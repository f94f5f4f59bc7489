"""Settings, read once from the environment (12-factor)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from core.netguard import Network, parse_allow_list

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    return int(value) if value not in (None, "") else default


def _seconds(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    value = env.get(name)
    if not value:
        return default
    return tuple(int(part) for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to know about its surroundings."""

    database_url: str = "sqlite:///wismo.db"
    redis_url: str | None = None  # unset: jobs run in-process
    secret_key: str = DEV_SECRET_KEY
    secret_key_previous: tuple[str, ...] = ()
    public_url: str = "http://127.0.0.1:5000"
    smtp_url: str | None = None  # unset: email goes to the dev outbox
    shopify_api_key: str | None = None
    shopify_api_secret: str | None = None
    shopify_api_secret_previous: str | None = None
    queue_name: str = "wismo"
    inline_jobs: bool = False  # run jobs synchronously in the caller (tests, scripts)
    send_lease_seconds: int = 300  # a send claimed longer ago than this is presumed dead
    relay_grace_seconds: int = 30  # an event unprocessed for this long is re-enqueued
    max_attempts: int = 5  # transient failures before a message becomes a dead letter
    retry_backoff: tuple[int, ...] = (30, 120, 600, 1800)
    allow_private_urls: tuple[Network, ...] = ()
    """Private networks merchant URLs may reach (WISMO_ALLOW_PRIVATE_URLS; core.netguard)."""
    dns_nameserver: str | None = None
    """The resolver sender-domain TXT checks ask (WISMO_DNS_NAMESERVER); unset: the system's."""
    admin_test_floor_seconds: float = 5.0
    """A failed admin test or preview answers no sooner: its timing tells no port's state."""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from WISMO_* environment variables, then `overrides`."""
        env = os.environ if environ is None else environ
        previous = env.get("WISMO_SECRET_KEY_PREVIOUS", "")
        base = cls(
            database_url=env.get("WISMO_DATABASE_URL") or cls.database_url,
            redis_url=env.get("WISMO_REDIS_URL") or None,
            secret_key=env.get("WISMO_SECRET_KEY") or DEV_SECRET_KEY,
            secret_key_previous=tuple(k for k in previous.split(",") if k),
            public_url=(env.get("WISMO_PUBLIC_URL") or cls.public_url).rstrip("/"),
            smtp_url=env.get("WISMO_SMTP_URL") or None,
            shopify_api_key=env.get("WISMO_SHOPIFY_API_KEY") or None,
            shopify_api_secret=env.get("WISMO_SHOPIFY_API_SECRET") or None,
            shopify_api_secret_previous=env.get("WISMO_SHOPIFY_API_SECRET_PREVIOUS") or None,
            send_lease_seconds=_int(env, "WISMO_SEND_LEASE_SECONDS", cls.send_lease_seconds),
            relay_grace_seconds=_int(env, "WISMO_RELAY_GRACE_SECONDS", cls.relay_grace_seconds),
            max_attempts=_int(env, "WISMO_MAX_ATTEMPTS", cls.max_attempts),
            retry_backoff=_seconds(env, "WISMO_RETRY_BACKOFF", cls.retry_backoff),
            allow_private_urls=parse_allow_list(env.get("WISMO_ALLOW_PRIVATE_URLS")),
            dns_nameserver=env.get("WISMO_DNS_NAMESERVER") or None,
        )
        return replace(base, **overrides)

    @property
    def insecure_secret(self) -> bool:
        """Whether the built-in development secret is in use."""
        return self.secret_key == DEV_SECRET_KEY

    def platform_secrets(self, platform: str) -> dict[str, str]:
        """The service-wide secrets of one platform (`<platform>_...` settings that are set):
        what an adapter verifies with when a shop keeps no secret of its own."""
        prefix = f"{platform}_"
        return {
            f.name: value
            for f in fields(self)
            if f.name.startswith(prefix) and isinstance(value := getattr(self, f.name), str)
        }
