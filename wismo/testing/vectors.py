"""What the contract kit needs to know about a plug-in to exercise it.

A plug-in package returns one of these per entry point name from its
`wismo_contract_vectors` fixture; the kit derives the bad cases (tampered, emptied and
forged signatures, missing configuration) from the good ones given here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from wismo.sdk import ChannelContext, InboundRequest


@dataclass(frozen=True)
class AdapterVectors:
    """A real webhook of the platform and how the platform signs one.

    `sign(body)` builds the request exactly as the platform sends `body` to a shop whose
    secrets are `secrets`; `forge(body)` builds the same request signed with a key the shop
    does not have (another secret, another private key). `signature_headers` and
    `signature_params` name where the signature travels: the kit empties and removes them.
    `signature="public-key"` says the platform signs with a private key (no shared secret
    is compared, so the constant-time check does not apply); `"none"` says the adapter is
    authenticated before it is called (the event API's bearer key).

    `statuses` lists every order status the platform documents, `status_table` is the
    adapter's own table (platform status → canonical Status, or None: deliberately no
    message), and `body_for_status(s)` a webhook body carrying status `s`. Every documented
    status must be in the table, and the adapter must do what its table says.
    """

    body: bytes
    sign: Callable[[bytes], InboundRequest]
    secrets: Mapping[str, Any] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    forge: Callable[[bytes], InboundRequest] | None = None
    signature_headers: tuple[str, ...] = ()
    signature_params: tuple[str, ...] = ()
    signature: Literal["hmac", "public-key", "none"] = "hmac"
    statuses: Collection[str] = ()
    status_table: Mapping[str, Any] = field(default_factory=dict)
    body_for_status: Callable[[str], bytes] | None = None


@dataclass(frozen=True)
class ChannelVectors:
    """A complete configuration of the channel (secrets included), as a shop would have it,
    and the context the service would give it (default: a plain ChannelContext)."""

    config: Mapping[str, Any]
    context: ChannelContext | None = None


@dataclass(frozen=True)
class CarrierVectors:
    """A complete configuration, every status code the carrier documents, and its table.

    `table` is the carrier's own status table (code → canonical status, or None for a
    code that is deliberately no news); every one of `codes` must be a key of it.
    """

    config: Mapping[str, Any]
    codes: Collection[str]
    table: Mapping[str, Any]


Vectors = AdapterVectors | ChannelVectors | CarrierVectors
