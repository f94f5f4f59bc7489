"""What the HTTP carriers share: one session per carrier object, error mapping, scan ids.

Network failures, 429 and 5xx become TransientCarrierError (asked again later, with the
carrier's Retry-After when it gives one); 401 and 403 become CarrierAuthError, so the
merchant is told to fix the key instead of the parcel being retried for ever.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import requests

from core import netguard
from core.carriers.base import CarrierAuthError, TransientCarrierError
from core.channels.http import required as require


def required(config: Mapping[str, Any], carrier: str, *keys: str) -> list[str]:
    """The values of `keys` in a shop's carrier settings; ConfigError naming a missing one."""
    return require(config, carrier, *keys, where="carrier settings")


def retry_after_of(response: requests.Response) -> float | None:
    """A Retry-After header in seconds, when the carrier sent a plain number."""
    value = (response.headers.get("Retry-After") or "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        return None


def call(
    session: requests.Session,
    carrier: str,
    method: str,
    url: str,
    timeout: float,
    **kwargs: Any,
) -> requests.Response:
    """Make one request; raise the carrier error its failure means, else the response."""
    try:
        response = session.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.RequestException as exc:
        raise TransientCarrierError(f"{carrier} unreachable: {exc}") from exc
    except netguard.ForbiddenDestination as exc:  # a base_url into Wismo's own network
        raise CarrierAuthError(f"{carrier}: {exc}") from exc
    if response.status_code in (401, 403):
        raise CarrierAuthError(f"{carrier} refused the credentials ({response.status_code})")
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientCarrierError(
            f"{carrier} answered {netguard.short_reason(response)}",
            retry_after=retry_after_of(response),
        )
    return response


def json_of(response: requests.Response, carrier: str) -> Any:
    """The response's JSON; TransientCarrierError when it is not JSON (a proxy's HTML page)."""
    try:
        return response.json()
    except ValueError as exc:
        raise TransientCarrierError(
            f"{carrier} answered {netguard.short_reason(response)} without JSON"
        ) from exc


def scan_digest(*parts: object) -> str:
    """A stable scan identity for carriers whose events carry none: a digest of their parts."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
