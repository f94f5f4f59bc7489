"""17TRACK's tracking API v2.2: the only module here that does HTTP.

    POST {base_url}/register      [{"number": …, "auto_detection": true}, …]   (≤ 40)
    POST {base_url}/gettrackinfo  [{"number": …}, …]                          (≤ 40)
    header `17token: <the merchant's API key>`
    → {"code": 0, "data": {"accepted": [{"number", "carrier", "track_info"}, …],
                           "rejected": [{"number", "error": {"code", "message"}}, …]}}

A number 17TRACK does not follow yet is registered on the first poll and reported as not
found until 17TRACK has fetched it; from then on 17TRACK pushes each change (see
webhooks.py) and the polls that remain are the fallback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import quote

from core import netguard
from core.adapters import InboundRequest
from core.carriers import numbers
from core.carriers.base import (
    CarrierAuthError,
    CarrierContext,
    CarrierMetadata,
    Parcel,
    ParcelUpdate,
    TransientCarrierError,
)
from core.carriers.httpcall import call, json_of, required
from core.carriers.seventeentrack import webhooks
from core.carriers.seventeentrack.parse import update_of
from core.i18n import N_
from core.plugins import ConfigField

API = "https://api.17track.net/track/v2.2"
LABEL = "17TRACK"
AUTH_ERRORS = {-18010001, -18010002, -18010003}  # IP not allowed, key invalid, key disabled
QUOTA_ERRORS = {-18019907, -18019908}  # daily limit reached, quota used up
QUOTA_RETRY = 6 * 3600.0


class SeventeenTrackCarrier:
    """Follows parcels of any carrier in the world through the merchant's 17TRACK account."""

    metadata: ClassVar[CarrierMetadata] = CarrierMetadata(
        slug="seventeentrack",
        label=LABEL,
        fields=(
            ConfigField(
                "api_key",
                N_("17TRACK API key"),
                secret=True,
                required=True,
                help=N_("17TRACK API console → Settings → Security → Access key."),
            ),
            ConfigField("base_url", N_("API address (leave empty)"), kind="url"),
        ),
        # any_carrier: follows numbers of every carrier; detection gives it the numbers no
        # connected carrier recognises (or finds) when the shop has connected it
        capabilities=frozenset({"track", "pushes", "any_carrier"}),
        homepage="https://www.17track.net",
        site="https://www.17track.net",
        tracking_url="https://t.17track.net/en#nums={number}",
        batch_size=40,
        rate_limit=3.0,
        pushes=True,
    )

    def __init__(self, api_key: str, base_url: str = API, timeout: float = 10.0) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = netguard.session()

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], context: CarrierContext
    ) -> SeventeenTrackCarrier:
        """Build from the shop's settings: `api_key`, optional `base_url`."""
        (api_key,) = required(config, LABEL, "api_key")
        return cls(api_key, str(config.get("base_url") or API), context.timeout)

    @classmethod
    def recognise(cls, number: str) -> float:
        """None: 17TRACK has no numbers of its own (it is the `any_carrier` fallback)."""
        return 0.0

    @classmethod
    def plausible(cls, number: str) -> bool:
        """Whether 17TRACK could follow `number` at all (letters and digits, 6 to 40)."""
        value = numbers.clean(number)
        return 6 <= len(value) <= 40 and value.isascii() and value.isalnum()

    @classmethod
    def tracking_link(cls, number: str, locale: str | None = None) -> str | None:
        """17TRACK's public page for the number."""
        lang = locale if locale in ("uk", "ru", "en", "de", "fr", "es", "pl") else "en"
        return f"https://t.17track.net/{lang}#nums={quote(numbers.clean(number))}"

    def _post(self, path: str, body: list[dict[str, Any]]) -> dict[str, Any]:
        response = call(
            self.session,
            LABEL,
            "POST",
            f"{self.base_url}/{path}",
            self.timeout,
            json=body,
            headers={"17token": self.api_key},
        )
        answer = json_of(response, LABEL)
        code = answer.get("code") if isinstance(answer, dict) else None
        if code in AUTH_ERRORS:
            raise CarrierAuthError(f"{LABEL} refused the key (code {code})")
        if code in QUOTA_ERRORS:
            raise TransientCarrierError(f"{LABEL} quota reached (code {code})", QUOTA_RETRY)
        if code != 0 or response.status_code != 200:
            raise TransientCarrierError(
                f"{LABEL} answered code {code}: {netguard.short_reason(response)}"
            )
        data = answer.get("data")
        return data if isinstance(data, dict) else {}

    def register(self, parcels: Sequence[Parcel]) -> None:
        """Ask 17TRACK to follow the numbers (already-registered ones are no error)."""
        body = [{"number": numbers.clean(p.number), "auto_detection": True} for p in parcels]
        self._post("register", body)

    def track(self, parcels: Sequence[Parcel]) -> list[ParcelUpdate]:
        """What 17TRACK has for up to 40 numbers; unknown ones are registered on the way."""
        wanted = {numbers.clean(p.number): p for p in parcels}
        data = self._post("gettrackinfo", [{"number": n} for n in wanted])
        infos = {
            str(item.get("number")): item.get("track_info")
            for item in data.get("accepted") or []
            if isinstance(item, Mapping)
        }
        unknown = [wanted[n] for n in wanted if n not in infos]
        if unknown:
            self.register(unknown)
        return [update_of(p.number, infos.get(n)) for n, p in wanted.items()]

    def verify_push(self, request: InboundRequest, secrets: Mapping[str, Any]) -> None:
        """Raise InvalidSignature unless `sign` is sha256(body + "/" + the shop's key)."""
        webhooks.verify(request.body, request.headers, self.push_key(secrets))

    def push_key(self, secrets: Mapping[str, Any]) -> str:
        """The shop's 17TRACK key: from its sealed carrier secrets, else the one built with."""
        carriers = secrets.get("carriers")
        mine = carriers.get(self.metadata.slug) if isinstance(carriers, Mapping) else None
        if isinstance(mine, Mapping) and mine.get("api_key"):
            return str(mine["api_key"])
        return str(secrets.get("api_key") or self.api_key)

    def parse_push(self, request: InboundRequest) -> list[ParcelUpdate]:
        """The update in a verified TRACKING_UPDATED push (none for TRACKING_STOPPED)."""
        return webhooks.parse(request.body)
