"""International carriers through karrio's SDK: the only module here that talks to karrio.

karrio (PyPI `karrio` and one `karrio-<carrier>` extension per carrier) holds each
carrier's request shapes, authentication and status table; Wismo builds a karrio gateway
from the merchant's credentials and asks it

    karrio.Tracking.fetch(TrackingRequest(tracking_numbers=[…])).from_(gateway).parse()

karrio is imported on first use (it is large), with its deprecation noise and its own
log output silenced so they do not mix with Wismo's. karrio's HTTP calls carry no
timeout of their own, so each tracking call runs in a daemon thread that Wismo stops
waiting for after `TIMEOUT_FACTOR` times the service's request timeout.
"""

from __future__ import annotations

import queue
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from types import ModuleType
from typing import Any, ClassVar
from urllib.parse import quote

from core.carriers import numbers
from core.carriers.base import (
    CarrierAuthError,
    CarrierContext,
    CarrierMetadata,
    Parcel,
    ParcelUpdate,
    TransientCarrierError,
)
from core.carriers.httpcall import required
from core.carriers.karrio_bridge.parse import failure_of, update_of
from core.i18n import N_
from core.plugins import ConfigField

TIMEOUT_FACTOR = 3  # a karrio call may be a token request, then the tracking requests


def bounded(work: Callable[[], Any], seconds: float, label: str) -> Any:
    """`work()`'s result, or TransientCarrierError when it takes longer than `seconds`."""
    answers: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            answers.put((True, work()))
        except BaseException as exc:  # handed over to the waiting caller below
            answers.put((False, exc))

    threading.Thread(target=run, name=f"karrio-{label}", daemon=True).start()
    try:
        ok, value = answers.get(timeout=seconds)
    except queue.Empty:
        raise TransientCarrierError(f"{label} did not answer within {seconds:.0f}s") from None
    if not ok:
        raise value
    return value


@cache
def karrio() -> ModuleType:
    """karrio's SDK, imported once, quietly."""
    from loguru import logger

    logger.disable("karrio")  # before the import: karrio logs as it loads
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyPDF2 and friends warn on import
        import karrio.sdk as sdk
    return sdk


class KarrioCarrier:
    """A carrier followed through its karrio extension (subclasses name which one)."""

    metadata: ClassVar[CarrierMetadata]
    karrio_name: ClassVar[str]  # the karrio gateway key ("ups", "dhl_express", …)
    credentials: ClassVar[tuple[str, ...]]  # the required karrio settings, from the shop
    optional: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, settings: Mapping[str, Any], server_url: str | None = None, timeout: float = 10.0
    ) -> None:
        self.settings = dict(settings)
        self.server_url = server_url.rstrip("/") if server_url else None
        self.timeout = timeout
        self._gateway: Any = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: CarrierContext) -> KarrioCarrier:
        """Build from the shop's credentials (the names karrio's settings use)."""
        values = required(config, cls.metadata.label, *cls.credentials)
        settings: dict[str, Any] = dict(zip(cls.credentials, values, strict=True))
        settings.update({k: str(config[k]) for k in cls.optional if config.get(k)})
        settings["test_mode"] = str(config.get("test_mode", "")).lower() in (
            "1",
            "true",
            "yes",
            "on",
        )
        return cls(settings, str(config.get("server_url") or "") or None, context.timeout)

    @classmethod
    def recognise(cls, number: str) -> float:
        """How likely `number` is this carrier's (subclasses know their formats)."""
        return 0.0

    @classmethod
    def tracking_link(cls, number: str, locale: str | None = None) -> str | None:
        """The carrier's public tracking page."""
        return cls.metadata.tracking_url.format(number=quote(numbers.clean(number)))

    def gateway(self) -> Any:
        """The karrio gateway for these credentials (built once)."""
        if self._gateway is None:
            sdk = karrio()
            provider = sdk.gateway.providers[self.karrio_name]
            settings_class = provider.Settings
            if self.server_url:  # a sandbox, proxy or test stand-in instead of the carrier
                url = self.server_url
                settings_class = type(
                    f"{settings_class.__name__}At",
                    (settings_class,),
                    {"server_url": property(lambda _s: url)},
                )
            values = {"carrier_id": self.karrio_name, **self.settings}
            try:
                self._gateway = sdk.gateway[self.karrio_name].create(settings_class(**values))
            except Exception as exc:  # karrio refuses settings it cannot use
                raise CarrierAuthError(f"{self.metadata.label}: {exc}") from exc
        return self._gateway

    def track(self, parcels: Sequence[Parcel]) -> list[ParcelUpdate]:
        """Updates for the parcels, as karrio's extension fetches them."""
        sdk = karrio()
        wanted = {numbers.clean(p.number): p for p in parcels}
        from karrio.core.models import TrackingRequest
        from karrio.lib import to_dict

        gateway = self.gateway()
        request = TrackingRequest(tracking_numbers=list(wanted))
        label = self.metadata.label
        try:
            details, messages = bounded(
                lambda: sdk.Tracking.fetch(request).from_(gateway).parse(),
                self.timeout * TIMEOUT_FACTOR,
                label,
            )
        except (CarrierAuthError, TransientCarrierError):
            raise
        except Exception as exc:  # karrio lets network failures through as they come
            refusal = getattr(exc, "messages", None)  # ParsedMessagesError: e.g. an OAuth refusal
            if refusal and failure_of(refusal) == "auth":
                raise CarrierAuthError(f"{label} refused the credentials: {exc}") from exc
            raise TransientCarrierError(f"{label} unreachable: {exc}") from exc
        by_number = {numbers.clean(str(d.tracking_number)): d for d in details or []}
        if not by_number and messages:
            failure = failure_of(messages)
            text = "; ".join(f"{m.code}: {m.message}" for m in messages)[:300]
            if failure == "auth":
                raise CarrierAuthError(f"{self.metadata.label} refused the credentials: {text}")
            if failure == "transient":
                raise TransientCarrierError(f"{self.metadata.label} failed: {text}")
        return [
            update_of(p.number, by_number[n], to_dict(by_number[n]))
            if n in by_number
            else ParcelUpdate(number=p.number, found=False)
            for n, p in wanted.items()
        ]


def _fields(*fields: ConfigField) -> tuple[ConfigField, ...]:
    return (
        *fields,
        ConfigField("test_mode", N_("Use the carrier's test environment"), kind="bool"),
        ConfigField("server_url", N_("API address (leave empty)"), kind="url"),
    )


def _meta(
    slug: str, label: str, tracking_url: str, site: str, phone: str, **kw: Any
) -> CarrierMetadata:
    return CarrierMetadata(
        slug=slug,
        label=label,
        capabilities=frozenset({"track"}),
        homepage=site,
        site=site,
        phone=phone,
        tracking_url=tracking_url,
        **kw,
    )
