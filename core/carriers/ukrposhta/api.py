"""Ukrposhta through its StatusTracking API: the only module here that does HTTP.

    POST {base_url}/statuses/with-not-found   body: ["0500000000001", "RR123456785UA", …]
    Authorization: Bearer <the StatusTracking bearer from the merchant's contract>
    → {"found": {"<barcode>": [status, …]}, "notFound": ["<barcode>", …]}

Up to 50 barcodes per call, each with its full history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar
from urllib.parse import quote

from core import netguard
from core.carriers import numbers
from core.carriers.base import CarrierContext, CarrierMetadata, Parcel, ParcelUpdate
from core.carriers.httpcall import call, json_of, required
from core.carriers.ukrposhta.parse import updates_of
from core.i18n import N_
from core.plugins import ConfigField

API = "https://www.ukrposhta.ua/status-tracking/0.0.1"
LABEL = "Ukrposhta"


class UkrposhtaCarrier:
    """Follows Ukrposhta parcels: domestic 13-digit barcodes and UPU S10 numbers."""

    metadata: ClassVar[CarrierMetadata] = CarrierMetadata(
        slug="ukrposhta",
        label=LABEL,
        aliases=(
            "Укрпошта",
            "Укрпочта",
            "Ukrposhta Express",
            "Ukrposhta Standard",
            "Ukrainian Post",
            "Ukraine Post",
        ),
        fields=(
            ConfigField(
                "bearer",
                N_("StatusTracking bearer token"),
                secret=True,
                required=True,
                help=N_(
                    "Issued by Ukrposhta with your contract (the StatusTracking one, not eCom)."
                ),
            ),
            ConfigField("base_url", N_("API address (leave empty)"), kind="url"),
        ),
        capabilities=frozenset({"track"}),
        homepage="https://www.ukrposhta.ua",
        phone="+380800300545",
        site="https://www.ukrposhta.ua",
        tracking_url="https://track.ukrposhta.ua/tracking_UA.html?barcode={number}",
        countries=("UA",),
        batch_size=50,
        rate_limit=5.0,
    )

    def __init__(self, bearer: str, base_url: str = API, timeout: float = 10.0) -> None:
        self.bearer = bearer
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = netguard.session()

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: CarrierContext) -> UkrposhtaCarrier:
        """Build from the shop's settings: `bearer`, optional `base_url`."""
        (bearer,) = required(config, LABEL, "bearer")
        return cls(bearer, str(config.get("base_url") or API), context.timeout)

    @classmethod
    def recognise(cls, number: str) -> float:
        """S10 ending in UA: certain; other S10 (inbound mail): possible; 13 digits: likely."""
        country = numbers.s10_country(number)
        if country == "UA":
            return 1.0
        if country is not None:
            return 0.4
        return 0.6 if numbers.is_digits(number, 13) else 0.0

    @classmethod
    def tracking_link(cls, number: str, locale: str | None = None) -> str | None:
        """Ukrposhta's public tracking page (English for any locale but uk and ru)."""
        page = "tracking_UA.html" if locale in ("uk", "ru") else "tracking_EN.html"
        return f"https://track.ukrposhta.ua/{page}?barcode={quote(numbers.clean(number))}"

    def track(self, parcels: Sequence[Parcel]) -> list[ParcelUpdate]:
        """Full histories of up to 50 barcodes in one request."""
        wanted = [numbers.clean(p.number) for p in parcels]
        response = call(
            self.session,
            LABEL,
            "POST",
            f"{self.base_url}/statuses/with-not-found",
            self.timeout,
            json=wanted,
            headers={"Authorization": f"Bearer {self.bearer}", "Accept": "application/json"},
        )
        answer = json_of(response, LABEL) if response.status_code == 200 else {}
        updates = updates_of(wanted, answer)
        # Keep the numbers exactly as the shop gave them.
        return [replace(u, number=p.number) for u, p in zip(updates, parcels, strict=True)]
