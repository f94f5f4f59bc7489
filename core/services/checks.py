"""Configuration checks: what `wismo check` reports and what stops a production process.

`config_problems` looks at the settings alone (no network): the production processes
(`wismo serve`, `wismo worker`, `wismo scheduler`) refuse to start on any of them, since
each makes every message wrong or lost. `run_checks` adds what needs the network (the
database and its migrations, Redis, the SMTP server) and reports every check, fine or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.channels.base import ChannelContext
from core.channels.smtp import SmtpChannel, parse_smtp_url
from core.errors import ChannelError, ConfigError
from core.settings import Settings

SECRET_EXAMPLE = "WISMO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
PUBLIC_URL_EXAMPLE = "WISMO_PUBLIC_URL=https://wismo.example.com"
SMTP_EXAMPLE = (
    "WISMO_SMTP_URL=smtp://user:pass@smtp.example.com:587?starttls=true&from=orders@example.com"
)
REDIS_EXAMPLE = "WISMO_REDIS_URL=redis://127.0.0.1:6379/0"
DATABASE_EXAMPLE = "WISMO_DATABASE_URL=postgresql+psycopg://wismo:secret@db.internal:5432/wismo"


@dataclass(frozen=True)
class Check:
    """One thing looked at: `ok`, or a problem with the variable to change and how."""

    name: str
    ok: bool
    detail: str
    variable: str | None = None
    fix: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The check as JSON-ready data."""
        return asdict(self)


def config_problems(settings: Settings) -> list[Check]:
    """Problems in the settings themselves, found without touching the network."""
    return [c for c in _static_checks(settings) if not c.ok]


def run_checks(settings: Settings, timeout: float = 5.0) -> list[Check]:
    """Every check, fine or not: settings, database and migrations, Redis, SMTP."""
    static = _static_checks(settings)
    smtp_ok = next(c for c in static if c.name == "smtp").ok
    return [
        _database(settings.database_url, timeout),
        _redis(settings.redis_url, timeout),
        *static,
        *([_smtp_server(settings, timeout)] if settings.smtp_url and smtp_ok else []),
    ]


def _static_checks(settings: Settings) -> list[Check]:
    return [_secret_key(settings), _public_url(settings), _smtp_url(settings)]


def _secret_key(settings: Settings) -> Check:
    if settings.insecure_secret:
        return Check(
            "secret_key",
            False,
            "WISMO_SECRET_KEY is not set: the built-in development key would sign tracking "
            "links and encrypt shop secrets, and anyone can read it in the source",
            "WISMO_SECRET_KEY",
            SECRET_EXAMPLE,
        )
    return Check("secret_key", True, "WISMO_SECRET_KEY is set (not the development key)")


def _public_url(settings: Settings) -> Check:
    url = settings.public_url
    parts = urlsplit(url)
    if url == Settings.public_url:
        why = f"WISMO_PUBLIC_URL is not set: the links in messages would point at {url}"
    elif parts.scheme == "http" and _loopback(parts.hostname):
        # nobody but this machine follows such a link: trying Wismo beside a local shop
        return Check(
            "public_url",
            True,
            f"WISMO_PUBLIC_URL is {url}: this machine only (links in messages work nowhere else)",
        )
    elif parts.scheme != "https" or not parts.hostname:
        why = (
            f"WISMO_PUBLIC_URL={url} is not an https:// address: shoppers' tracking links "
            "must be https outside the demo"
        )
    else:
        return Check("public_url", True, f"WISMO_PUBLIC_URL is {url}")
    return Check("public_url", False, why, "WISMO_PUBLIC_URL", PUBLIC_URL_EXAMPLE)


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host or "").is_loopback
    except ValueError:
        return False


def _smtp_url(settings: Settings) -> Check:
    if not settings.smtp_url:
        return Check(
            "smtp",
            True,
            "WISMO_SMTP_URL is not set: email goes to the dev outbox, except for shops "
            "with an email provider of their own",
        )
    try:
        smtp = parse_smtp_url(settings.smtp_url)
    except ConfigError as exc:
        return Check(
            "smtp", False, f"WISMO_SMTP_URL is malformed: {exc}", "WISMO_SMTP_URL", SMTP_EXAMPLE
        )
    if not smtp.from_address or "@" not in smtp.from_address:
        return Check(
            "smtp",
            False,
            "WISMO_SMTP_URL has no from address (?from=...): every email would be a dead letter "
            "(a shop's branding.sender_email covers only that shop)",
            "WISMO_SMTP_URL",
            SMTP_EXAMPLE,
        )
    return Check("smtp", True, f"WISMO_SMTP_URL sends from {smtp.from_address}")


def _smtp_server(settings: Settings, timeout: float) -> Check:
    """Connect, start TLS and log in as a send would."""
    assert settings.smtp_url
    where = _redact(settings.smtp_url)
    try:
        channel = SmtpChannel.from_config(
            {"url": settings.smtp_url, "timeout": timeout},
            ChannelContext(public_url=settings.public_url),
        )
        channel.probe()
    except (ChannelError, ConfigError) as exc:
        return Check(
            "smtp_server",
            False,
            f"the SMTP server at {where} cannot be used: {exc}",
            "WISMO_SMTP_URL",
            "check the host, port, starttls and credentials (user and password percent-encoded)",
        )
    return Check("smtp_server", True, f"the SMTP server at {where} accepts a connection and login")


def _database(url: str, timeout: float) -> Check:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import make_url

    from core.storage.db import make_engine
    from core.storage.migrations import alembic_config

    parsed, where = make_url(url), _redact(url)
    upgrade = "run `wismo db upgrade` with this WISMO_DATABASE_URL"
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(parsed.database).exists():  # connecting would create an empty file
            return Check("database", False, f"{where} does not exist", None, upgrade)
    args = {"connect_args": {"connect_timeout": int(timeout)}} if _is_postgres(parsed) else {}
    try:
        engine = make_engine(url, **args)
    except Exception as exc:  # an unknown driver or a malformed URL
        return Check(
            "database", False, f"cannot use {where}: {exc}", "WISMO_DATABASE_URL", DATABASE_EXAMPLE
        )
    try:
        with engine.connect() as conn:
            at = MigrationContext.configure(conn).get_current_revision()
    except Exception as exc:
        reason = str(exc).splitlines()[0]
        return Check(
            "database",
            False,
            f"cannot reach {where}: {reason}",
            "WISMO_DATABASE_URL",
            DATABASE_EXAMPLE,
        )
    finally:
        engine.dispose()
    scripts = ScriptDirectory.from_config(alembic_config(url))
    heads = set(scripts.get_heads())
    if at in heads:
        return Check("database", True, f"{where} is reachable and migrated (revision {at})")
    if at is None:
        detail = f"{where} has no schema yet (head is {_names(heads)})"
    elif _known(scripts.get_revision, at):
        detail = f"{where} is at revision {at}, behind the code's {_names(heads)}"
    else:
        detail = f"{where} is at revision {at}, which this release does not know (a newer one?)"
        upgrade = "run the release that migrated it, or restore a matching backup"
    return Check("database", False, detail, None, upgrade)


def _redis(url: str | None, timeout: float) -> Check:
    if not url:
        return Check("redis", True, "WISMO_REDIS_URL is not set: jobs run inside each process")
    from redis import Redis

    where = _redact(url)
    try:
        client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # redis-py's ConnectionError, a bad URL, refused AUTH
        return Check(
            "redis",
            False,
            f"cannot reach Redis at {where}: {exc}",
            "WISMO_REDIS_URL",
            REDIS_EXAMPLE,
        )
    return Check("redis", True, f"Redis at {where} answers")


def _is_postgres(url: Any) -> bool:
    return bool(url.get_backend_name() == "postgresql")


def _known(get_revision: Callable[[str], Any], revision: str) -> bool:
    try:
        return get_revision(revision) is not None
    except Exception:  # alembic raises for a revision it has no script for
        return False


def _names(heads: set[str]) -> str:
    return " + ".join(sorted(heads))


def _redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
