"""`wismo.sdk`: everything a plug-in may import from Wismo, in one place.

Adapters, channels, carriers and hooks written outside this repository import from here
(and from `wismo.sdk.web` when they bring Flask routes, `wismo.sdk.testing` in their
tests), never from `core`, `webapp` or `adapters` directly: those are Wismo's own
business and change without notice. The built-in adapters follow the same rule for the
web side.

Versioning (`SDK_VERSION`, semantic versioning, independent of Wismo's own version):

- a *patch* release fixes behaviour behind an unchanged name or signature;
- a *minor* release adds names, optional Protocol members, optional keyword parameters or
  metadata fields with defaults: a plug-in built against 1.x keeps working on 1.y, y > x;
- a *major* release removes or renames a name, changes a signature or a Protocol's
  required members. Deprecated names (such as a channel's `config_fields`) keep working
  for at least one minor release and are listed in docs/extending.md before they go.

A plug-in states the SDK range it was built for in its metadata, `sdk=">=1.1,<2"`: a Wismo
whose SDK_VERSION falls outside refuses to load it, and `wismo plugins list` and the admin
say why. Its pyproject.toml names the Wismo releases it installs next to
(`dependencies = ["wismo>=0.1"]`), so pip refuses an impossible pairing before that.
"""

from __future__ import annotations

from core import netguard, registry
from core.adapters import Adapter, InboundRequest
from core.capabilities import (
    Backfills,
    BuildsStorePlugin,
    ExtendsApp,
    HandlesReceipts,
    HasRoutes,
    ProviderCall,
    ProviderReply,
    ProviderRequest,
    Reconciles,
    RunsDeferredWork,
)
from core.carriers.base import (
    Carrier,
    CarrierAuthError,
    CarrierContext,
    CarrierError,
    CarrierMetadata,
    Parcel,
    ParcelUpdate,
    PickupPoint,
    ReceivesPushes,
    Scan,
    TransientCarrierError,
)
from core.channels.base import Channel, ChannelContext, OutboundMessage
from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.intake import InvalidEvent
from core.domain.statuses import Status
from core.errors import (
    ChannelError,
    ConfigError,
    InvalidSignature,
    MalformedPayload,
    PermanentChannelError,
    RecipientOptedOut,
    TemplateError,
    TransientChannelError,
    UnknownShop,
    WebhookError,
    WismoError,
)
from core.hooks import (
    AddsTemplateVariables,
    AdjustsEvents,
    HookMessage,
    HookShop,
    VetoesMessages,
)
from core.plugins import (
    SDK_VERSION,
    AdapterMetadata,
    ChannelMetadata,
    ConfigField,
    MessageKind,
    PluginMetadata,
)
from core.services.ingest import Ingested, ingest
from core.services.outbound import Sent, send_now
from core.services.receipts import opt_out, record_inbound, record_receipt

# SDK_VERSION (from core.plugins, where the loader checks plug-ins' `metadata.sdk` against it):
# the version of this surface; the module docstring says what a change of each part means.

__all__ = [
    "SDK_VERSION",
    # outbound calls to merchant-given URLs: netguard.session(), ForbiddenDestination
    "netguard",
    # protocols
    "Adapter",
    "Channel",
    "Carrier",
    "ReceivesPushes",
    # optional capabilities
    "Backfills",
    "BuildsStorePlugin",
    "ExtendsApp",
    "HandlesReceipts",
    "HasRoutes",
    "Reconciles",
    "RunsDeferredWork",
    "ProviderCall",
    "ProviderReply",
    "ProviderRequest",
    # hooks (`wismo.hooks`)
    "AddsTemplateVariables",
    "AdjustsEvents",
    "VetoesMessages",
    "HookMessage",
    "HookShop",
    # metadata
    "PluginMetadata",
    "AdapterMetadata",
    "ChannelMetadata",
    "CarrierMetadata",
    "ConfigField",
    "MessageKind",
    # what adapters and channels exchange with Wismo
    "InboundRequest",
    "OrderEventIn",
    "CustomerInfo",
    "ShipmentInfo",
    "Status",
    "ChannelContext",
    "OutboundMessage",
    "CarrierContext",
    "Parcel",
    "ParcelUpdate",
    "PickupPoint",
    "Scan",
    # one way in, one way out: store and queue events; send through a shop's providers now
    "ingest",
    "Ingested",
    "send_now",
    "Sent",
    # errors
    "WismoError",
    "ConfigError",
    "WebhookError",
    "InvalidSignature",
    "MalformedPayload",
    "UnknownShop",
    "InvalidEvent",
    "ChannelError",
    "TransientChannelError",
    "PermanentChannelError",
    "RecipientOptedOut",
    "TemplateError",
    "CarrierError",
    "TransientCarrierError",
    "CarrierAuthError",
    # what a channel's provider callback records (HandlesReceipts)
    "record_receipt",
    "record_inbound",
    "opt_out",
    # the registry (read-only: what is installed)
    "registry",
]
