"""Optional capabilities of plug-ins, each a small runtime-checkable Protocol.

The host asks `isinstance(plugin_class, Reconciles)` (through `core.registry`) instead of
probing for undeclared attributes, so what a plug-in may offer is written down here, once.
Container-typed parameters are `Any`: plug-ins receive the running service's container.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from core.domain.events import OrderEventIn


@runtime_checkable
class Reconciles(Protocol):
    """An adapter that fetches orders changed since its cursor (`wismo scheduler`)."""

    @staticmethod
    def reconcile(c: Any, shop: Any) -> Iterable[OrderEventIn]:
        """The events of orders changed since the cursor kept in `shop.state`."""
        ...


@runtime_checkable
class Backfills(Protocol):
    """An adapter that imports a new shop's open orders (`wismo backfill`, installs)."""

    @staticmethod
    def backfill(c: Any, shop: Any, since: datetime) -> Iterable[tuple[int, list[OrderEventIn]]]:
        """(total orders, events of one order) per order placed since `since`."""
        ...


@runtime_checkable
class HasRoutes(Protocol):
    """An adapter with routes of its own (OAuth, an app proxy, an app-wide webhook URL)."""

    @staticmethod
    def blueprint() -> Any:
        """A Flask Blueprint the app factory registers."""
        ...


@runtime_checkable
class ExtendsApp(Protocol):
    """An adapter that hooks into the web app beyond routes (a way to sign in to /admin)."""

    @staticmethod
    def init_app(app: Any) -> None:
        """Called once by the app factory."""


@runtime_checkable
class BuildsStorePlugin(Protocol):
    """An adapter that ships a store-side plug-in (`wismo plugins build`, the admin download)."""

    @staticmethod
    def package_plugin(out_dir: Path, config: Mapping[str, str] | None = None) -> list[Path]:
        """Build the archives into `out_dir`, pre-configured when `config` is given."""
        ...


@runtime_checkable
class RunsDeferredWork(Protocol):
    """An adapter that moved work out of a request to answer in time (`adapter_work` job)."""

    @staticmethod
    def run_pending(c: Any, shop_id: int) -> Any:
        """Do the shop's pending work; idempotent."""


@dataclass(frozen=True)
class ProviderRequest:
    """A provider's callback as received by `/webhooks/providers/<slug>` (no Flask inside)."""

    method: str
    url: str  # the public URL the provider called, query string included
    path: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str:
        """A request header by name, in any case ("" when absent)."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), "")


@dataclass(frozen=True)
class ProviderReply:
    """What the callback route answers."""

    status: int = 204
    body: str | bytes = ""
    content_type: str = "text/plain"


class CallbackServices(Protocol):
    """What a provider callback may record, handed to it in `ProviderCall.services`.

    The web app passes `core.services.receipts.CALLBACK_SERVICES`; channels call these instead
    of importing the services, so the channels stay below the services (no import cycle).
    """

    def record_receipt(
        self,
        session: Any,
        shop_id: int,
        provider: str,
        provider_message_id: str,
        state: str,
        detail: dict[str, Any],
        now: datetime,
    ) -> Any:
        """A delivery state for a sent message, by the provider's message id."""
        ...

    def record_inbound(
        self,
        session: Any,
        shop_id: int,
        channel: str,
        address: str,
        text: str | None,
        provider: str,
        now: datetime,
    ) -> Any:
        """A shopper's own message (a reply, STOP in their words)."""
        ...

    def opt_out(
        self,
        session: Any,
        shop_id: int,
        channel: str,
        address: str,
        reason: str,
        provider: str,
        now: datetime,
    ) -> Any:
        """The shopper said stop (or blocked the bot) on this channel."""
        ...

    def redeem_opt_in(
        self,
        session: Any,
        keys: tuple[str, ...],
        shop: Any,
        channel: str,
        token: str,
        address: str,
        now: datetime,
    ) -> Any:
        """A messenger opt-in link followed: who joined for which order (None: stale link)."""
        ...

    def mark_reachable(self, session: Any, shop_id: int, channel: str, address: str) -> None:
        """The user (re)subscribed: messages may reach this chat again."""
        ...


@dataclass(frozen=True)
class ProviderCall:
    """Everything a receipt handler may use, for one verified shop."""

    request: ProviderRequest
    session: Any  # the open SQLAlchemy session (committed when the handler returns)
    shop: Any  # the Shop row named by the `shop` query parameter
    configs: list[dict[str, Any]]  # the shop's settings for this provider, secrets opened
    secret_keys: tuple[str, ...]  # the service's secret key, then earlier ones
    now: datetime
    services: CallbackServices  # what the handler records receipts, replies and opt-outs with


@runtime_checkable
class HandlesReceipts(Protocol):
    """A channel whose provider calls back: delivery receipts, inbound texts, STOP, joins."""

    @staticmethod
    def handle_callback(call: ProviderCall) -> ProviderReply:
        """Verify the call against `call.configs` (InvalidSignature), then apply it."""
        ...


ADAPTER_CAPABILITIES: dict[str, type] = {
    "reconciles": Reconciles,
    "backfills": Backfills,
    "routes": HasRoutes,
    "extends_app": ExtendsApp,
    "store_plugin": BuildsStorePlugin,
    "deferred_work": RunsDeferredWork,
}
CHANNEL_CAPABILITIES: dict[str, type] = {"receipts": HandlesReceipts}
