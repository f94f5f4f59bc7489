"""The Adapter protocol: what a platform integration gives the core.

Adapters live outside core (adapters/<platform>/ or another package) and register
under the `wismo.adapters` entry point group. Each keeps its pure parts (status
tables, payload translation) apart from the one module that does HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from core.domain.events import OrderEventIn


@dataclass(frozen=True)
class InboundRequest:
    """A webhook as received: raw body bytes (signatures are over these), headers, query."""

    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class Adapter(Protocol):
    """Verifies a platform's requests and translates them into canonical events."""

    name: ClassVar[str]

    def verify(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        """Raise InvalidSignature unless the request is authentic."""

    def parse(
        self, request: InboundRequest, shop_settings: Mapping[str, Any]
    ) -> list[OrderEventIn]:
        """The canonical events in a verified request (MalformedPayload with a reason if none)."""
