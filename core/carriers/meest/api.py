"""Meest Express through its openAPI v3.0: the only module here that does HTTP.

    POST {base_url}/auth              {"username": …, "password": …}
      → {"status": "OK", "result": {"token": …, "refreshToken": …, "expiresIn": …}}
    GET  {base_url}/tracking/{number}  header `token: <token>`
      → {"status": "OK", "result": [event, …]}

One number per request; the token is kept for the life of the carrier object and asked
again once when Meest refuses it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar
from urllib.parse import quote

import requests

from core import netguard
from core.carriers import numbers
from core.carriers.base import (
    CarrierAuthError,
    CarrierContext,
    CarrierMetadata,
    Parcel,
    ParcelUpdate,
)
from core.carriers.httpcall import call, json_of, required
from core.carriers.meest.parse import update_of
from core.i18n import N_
from core.plugins import ConfigField

API = "https://api.meest.com/v3.0/openAPI"
LABEL = "Meest"


class MeestCarrier:
    """Follows Meest Express parcels with the merchant's openAPI login."""

    metadata: ClassVar[CarrierMetadata] = CarrierMetadata(
        slug="meest",
        label="Meest Express",
        aliases=("Meest", "Міст Експрес", "Мист Экспресс", "Meest Post", "Meest Poshta", "Міст"),
        fields=(
            ConfigField("username", N_("openAPI login"), required=True),
            ConfigField("password", N_("openAPI password"), secret=True, required=True),
            ConfigField("base_url", N_("API address (leave empty)"), kind="url"),
        ),
        capabilities=frozenset({"track"}),
        homepage="https://meest.com",
        phone="+380800505505",
        site="https://meest.com",
        tracking_url="https://t.meest-group.com/int/{number}",
        countries=("UA", "PL"),
        batch_size=1,
        rate_limit=2.0,
    )

    def __init__(
        self, username: str, password: str, base_url: str = API, timeout: float = 10.0
    ) -> None:
        self.username = username
        self.password = password
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = netguard.session()
        self.token: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], context: CarrierContext) -> MeestCarrier:
        """Build from the shop's settings: `username`, `password`, optional `base_url`."""
        username, password = required(config, LABEL, "username", "password")
        return cls(username, password, str(config.get("base_url") or API), context.timeout)

    @classmethod
    def recognise(cls, number: str) -> float:
        """Meest publishes no number format: only its letter prefixes are a hint.

        Digits alone are left to the carriers that own digit formats (Nova Poshta, …):
        claiming them would send every unknown waybill to Meest next.
        """
        value = numbers.clean(number)
        if not (8 <= len(value) <= 20 and value.isascii() and value.isalnum()):
            return 0.0
        if numbers.is_s10(value) or value.isdigit():
            return 0.0
        return 0.3 if value.startswith(("MYCV", "ME", "CV")) else 0.0

    @classmethod
    def tracking_link(cls, number: str, locale: str | None = None) -> str | None:
        """Meest's public tracking page."""
        return f"https://t.meest-group.com/int/{quote(numbers.clean(number))}"

    def _login(self) -> str:
        response = call(
            self.session,
            LABEL,
            "POST",
            f"{self.base_url}/auth",
            self.timeout,
            json={"username": self.username, "password": self.password},
        )
        answer = json_of(response, LABEL)
        token = answer.get("result", {}).get("token") if isinstance(answer, dict) else None
        if response.status_code != 200 or not token:
            raise CarrierAuthError(f"{LABEL} refused the login: {netguard.short_reason(response)}")
        self.token = str(token)
        return self.token

    def _tracking(self, number: str) -> requests.Response:
        return call(
            self.session,
            LABEL,
            "GET",
            f"{self.base_url}/tracking/{quote(number, safe='')}",
            self.timeout,
            headers={"token": self.token or self._login(), "Accept": "application/json"},
        )

    def track(self, parcels: Sequence[Parcel]) -> list[ParcelUpdate]:
        """The history of each parcel (Meest answers one number per request)."""
        updates = []
        for parcel in parcels:
            number = numbers.clean(parcel.number)
            try:
                response = self._tracking(number)
            except CarrierAuthError:
                self.token = None  # an expired token: log in again, once
                response = self._tracking(number)
            answer = json_of(response, LABEL) if response.status_code == 200 else {}
            update = update_of(number, answer)
            updates.append(replace(update, number=parcel.number))
        return updates
