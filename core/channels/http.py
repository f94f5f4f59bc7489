"""What every HTTP provider channel shares: one session, timeouts, error mapping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from core import netguard
from core.errors import ConfigError, PermanentChannelError, TransientChannelError

DEFAULT_TIMEOUT = 10.0


def timeout_of(config: Mapping[str, Any]) -> float:
    """The configured request timeout in seconds (default 10)."""
    try:
        return float(config.get("timeout") or DEFAULT_TIMEOUT)
    except (TypeError, ValueError):
        raise ConfigError("timeout must be a number of seconds") from None


def required(
    config: Mapping[str, Any], provider: str, *keys: str, where: str = "channel settings"
) -> list[str]:
    """The values of `keys` in `config`; ConfigError naming the first missing one."""
    values = []
    for key in keys:
        value = config.get(key)
        if value in (None, ""):
            raise ConfigError(f"{provider} needs {key!r} in its {where}")
        values.append(str(value))
    return values


def request(
    session: requests.Session, provider: str, method: str, url: str, **kwargs: Any
) -> requests.Response:
    """Make the call; network failures become TransientChannelError, bad URLs permanent."""
    try:
        return session.request(method, url, allow_redirects=False, **kwargs)
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise TransientChannelError(f"{provider} unreachable: {exc}") from exc
    except requests.RequestException as exc:
        raise PermanentChannelError(f"{provider} request failed: {exc}") from exc


def json_of(response: requests.Response) -> dict[str, Any]:
    """The response's JSON object, or {} when it has none (an HTML error page)."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def retry_after_of(response: requests.Response) -> float | None:
    """A Retry-After header in seconds, when the provider sent a plain number."""
    value = (response.headers.get("Retry-After") or "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        return None


def server_trouble(provider: str, response: requests.Response) -> None:
    """Raise TransientChannelError for 429 and 5xx answers; return for anything else."""
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientChannelError(
            f"{provider} answered {netguard.short_reason(response)}",
            retry_after=retry_after_of(response),
        )
