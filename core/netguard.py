"""Outbound calls to addresses a merchant gave: no loopback, private or metadata hosts (SSRF).

Every request to a URL a merchant can set (the webhook channel, a shop's own SMTP server,
WooCommerce and OpenCart store URLs, a provider's or carrier's `base_url`) goes through a
`session()` or `connect()` of this module. The host is resolved once, each address is
checked, and the connection is made to the checked address itself, so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot switch it; TLS still
verifies the certificate against the host name. Redirects are new connections and are
checked the same way.

Refused: loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with the cloud
metadata address, fe80::/10), CGNAT (100.64/10), multicast, reserved and unspecified
addresses, and IPv4 inside IPv6 (::ffff:127.0.0.1). A self-hoster whose CRM lives on a
private network allows its networks with `WISMO_ALLOW_PRIVATE_URLS=10.0.0.0/8,192.168.1.5`
(checked at start-up); the operator's own `WISMO_SMTP_URL` host is always reachable.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import connection as u3conn
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as u3util

from core.errors import ConfigError

ALLOW_VARIABLE = "WISMO_ALLOW_PRIVATE_URLS"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class ForbiddenDestination(ConfigError):
    """A merchant-given address resolves only to hosts Wismo must not call."""


def parse_allow_list(value: str | None) -> tuple[Network, ...]:
    """`WISMO_ALLOW_PRIVATE_URLS` as networks; ConfigError naming the variable if malformed."""
    networks = []
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"{ALLOW_VARIABLE}: {item!r} is not an address or a network "
                "(write them like 10.0.0.0/8,192.168.1.5)"
            ) from None
    return tuple(networks)


@dataclass(frozen=True)
class Policy:
    """Which destinations outbound calls may reach beyond the public internet."""

    allow: tuple[Network, ...] = ()
    trusted: frozenset[tuple[str, int]] = frozenset()
    """(host, port) pairs the operator configured (its own SMTP relay): not checked."""

    def permits(self, address: Address) -> bool:
        """Whether a connection to `address` is allowed."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in net for net in self.allow):
            return True
        return address.is_global and not address.is_multicast

    def addresses(self, host: str, port: int) -> list[str]:
        """The checked addresses of `host` to connect to; ForbiddenDestination if none."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except UnicodeError:
            raise ForbiddenDestination(f"{host!r} is not a host name") from None
        found = {str(info[4][0]).split("%")[0] for info in infos}
        allowed = [a for a in sorted(found) if self.permits(ipaddress.ip_address(a))]
        if not allowed:
            raise ForbiddenDestination(
                f"{host} is a private, local or reserved address; Wismo does not call those "
                f"(a self-hosted server can allow its networks with {ALLOW_VARIABLE})"
            )
        return allowed


_policy = Policy()


def configure(policy: Policy) -> None:
    """Set the process's policy (the composition root does, from the settings)."""
    global _policy
    _policy = policy


def current() -> Policy:
    """The policy in force in this process."""
    return _policy


def connect(
    host: str,
    port: int,
    timeout: float | None,
    source_address: tuple[str, int] | None = None,
    socket_options: Iterable[Any] | None = None,
) -> socket.socket:
    """A TCP connection to `host` at a checked address; ForbiddenDestination or OSError."""
    policy = current()
    if (host, port) in policy.trusted:
        return socket.create_connection((host, port), timeout, source_address)
    error: OSError | None = None
    for address in policy.addresses(host, port):
        try:
            return u3util.create_connection(
                (address, port),
                timeout,
                source_address=source_address,
                socket_options=list(socket_options) if socket_options else None,
            )
        except OSError as exc:
            error = exc
    assert error is not None
    raise error


def _new_conn(conn: u3conn.HTTPConnection) -> socket.socket:
    """urllib3's _new_conn, connecting to the checked address instead of resolving again."""
    try:
        return connect(
            conn._dns_host,  # noqa: SLF001 - urllib3's resolution name (keeps a trailing dot)
            conn.port or 80,
            conn.timeout,
            source_address=conn.source_address,
            socket_options=conn.socket_options,
        )
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    except TimeoutError as exc:
        raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out.") from exc
    except ForbiddenDestination:
        raise
    except OSError as exc:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {exc}") from exc


class _HTTPConnection(u3conn.HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _new_conn(self)


class _HTTPSConnection(u3conn.HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _new_conn(self)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose connections go only to addresses the policy permits."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def session() -> requests.Session:
    """A requests session for merchant-given URLs: every connection, redirects too, checked."""
    s = requests.Session()
    adapter = GuardedAdapter()
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


def short_reason(response: requests.Response) -> str:
    """The status code and its standard phrase: never the body of a merchant's server."""
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = "unexpected status"
    return f"{response.status_code} {phrase}"
