"""Nova Poshta: Ukraine's largest carrier, followed through its API 2.0 (entry point
`novaposhta`). Pure parts in statuses.py and records.py, HTTP only in api.py."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar
from urllib.parse import quote

from core.carriers import numbers
from core.carriers.base import (
    CarrierContext,
    CarrierError,
    CarrierMetadata,
    Parcel,
    ParcelUpdate,
)
from core.errors import ConfigError
from core.i18n import N_
from core.plugins import ConfigField

from .api import API_URL, MAX_DOCUMENTS, NovaPoshtaApi
from .records import update_from_record

_WAYBILL = re.compile(r"\d{14}")


class NovaPoshtaCarrier:
    """Follows Nova Poshta waybills (експрес-накладні) with the merchant's own API key."""

    metadata: ClassVar[CarrierMetadata] = CarrierMetadata(
        slug="novaposhta",
        label="Nova Poshta",
        kind="carrier",
        fields=(
            ConfigField(
                "api_key",
                N_("API key"),
                secret=True,
                required=True,
                help=N_("Your business account's key: my.novaposhta.ua → Settings → Security"),
            ),
            ConfigField(
                "base_url",
                N_("API address"),
                kind="url",
                help=N_("Leave empty for Nova Poshta's own address."),
            ),
        ),
        capabilities=frozenset({"track", "pickup_points", "estimates"}),
        homepage="https://developers.novaposhta.ua/",
        phone="+380800500609",
        site="https://novaposhta.ua",
        tracking_url="https://novaposhta.ua/tracking/?cargo_number={number}",
        countries=("UA",),
        batch_size=MAX_DOCUMENTS,
        rate_limit=2.0,
        aliases=("Нова пошта", "Новая почта", "Nova Post", "NP", "nova-poshta"),
    )

    def __init__(self, api: NovaPoshtaApi) -> None:
        self.api = api
        self._branches: dict[tuple[str, str], Mapping[str, Any] | None] = {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: CarrierContext) -> NovaPoshtaCarrier:
        """Built from the shop's `api_key` (and, for tests or a proxy, `base_url`)."""
        key = str(config.get("api_key") or "").strip()
        if not key:
            raise ConfigError("Nova Poshta needs the shop's API key (api_key)")
        url = str(config.get("base_url") or API_URL)
        return cls(NovaPoshtaApi(key, url, timeout=context.timeout))

    @classmethod
    def recognise(cls, number: str) -> float:
        """14-digit waybills: 20… and 59… are Nova Poshta's own; 1… less certainly; others not."""
        n = numbers.clean(number)
        if not _WAYBILL.fullmatch(n):
            return 0.0
        if n.startswith(("20", "59")):
            return 0.95
        return 0.5 if n.startswith("1") else 0.0

    @classmethod
    def tracking_link(cls, number: str, locale: str | None = None) -> str | None:
        """novaposhta.ua's public tracking page for the waybill."""
        return cls.metadata.tracking_url.format(number=quote(numbers.clean(number), safe=""))

    def track(self, parcels: Sequence[Parcel]) -> list[ParcelUpdate]:
        """One getStatusDocuments call for up to 100 waybills, with the recipients' phones."""
        records = self.api.status_documents(
            [(numbers.clean(p.number), _phone(p.phone)) for p in parcels]
        )
        by_number = {numbers.clean(str(r.get("Number") or "")): r for r in records}
        updates = []
        for p in parcels:
            record = by_number.get(numbers.clean(p.number))
            if record is None:
                updates.append(ParcelUpdate(number=p.number, found=False))
                continue
            update = update_from_record(record, self._branch(record))
            updates.append(_renumbered(update, p.number))
        return updates

    def _branch(self, record: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The branch a waiting parcel is at (for its opening hours), once per branch."""
        if str(record.get("StatusCode") or "") not in ("7", "8"):
            return None
        city, number = (
            str(record.get("RefCityRecipient") or ""),
            str(record.get("WarehouseRecipientNumber") or ""),
        )
        if not city or not number:
            return None
        key = (city, number)
        if key not in self._branches:
            try:
                self._branches[key] = self.api.warehouse(city, number)
            except CarrierError:  # hours are a nicety: the parcel's news goes on without them
                return None
        return self._branches[key]


def _phone(phone: str | None) -> str:
    """The recipient's phone as Nova Poshta wants it (380XXXXXXXXX), or ""."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 10 and digits.startswith("0"):
        digits = "38" + digits
    return digits if len(digits) == 12 and digits.startswith("380") else ""


def _renumbered(update: ParcelUpdate, number: str) -> ParcelUpdate:
    return update if update.number == number else replace(update, number=number)
