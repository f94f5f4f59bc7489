"""The one module that talks to Nova Poshta: API 2.0, JSON over HTTPS POST.

Every call is `{"apiKey", "modelName", "calledMethod", "methodProperties"}` to one URL;
the answer is `{"success", "data", "errors", "warnings", "info", ...}` with HTTP 200 even
when the call failed, so `success` and `errors` are read, not only the status code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import requests

from core import netguard
from core.carriers.base import CarrierAuthError, CarrierError, TransientCarrierError

API_URL = "https://api.novaposhta.ua/v2.0/json/"
MAX_DOCUMENTS = 100  # getStatusDocuments takes at most 100 documents per call


class NovaPoshtaApi:
    """A Nova Poshta API 2.0 client for one API key."""

    def __init__(
        self,
        api_key: str,
        base_url: str = API_URL,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self.api_key = api_key
        self.url = base_url
        self.timeout = timeout
        self.http = session or netguard.session()

    def call(self, model: str, method: str, properties: Mapping[str, Any]) -> list[Any]:
        """One API call; its `data`. Raises Transient/Auth/CarrierError at this boundary."""
        body = {
            "apiKey": self.api_key,
            "modelName": model,
            "calledMethod": method,
            "methodProperties": dict(properties),
        }
        try:
            r = self.http.post(self.url, json=body, timeout=self.timeout)
        except requests.Timeout as exc:
            raise TransientCarrierError(f"Nova Poshta timed out after {self.timeout}s") from exc
        except requests.RequestException as exc:
            raise TransientCarrierError(f"Nova Poshta unreachable: {type(exc).__name__}") from exc
        except netguard.ForbiddenDestination as exc:  # a base_url into Wismo's own network
            raise CarrierAuthError(f"Nova Poshta: {exc}") from exc
        if r.status_code == 429 or r.status_code >= 500:
            raise TransientCarrierError(
                f"Nova Poshta answered HTTP {r.status_code}", _retry_after(r)
            )
        if r.status_code in (401, 403):
            raise CarrierAuthError(f"Nova Poshta refused the API key (HTTP {r.status_code})")
        try:
            answer = r.json()
        except ValueError as exc:
            raise TransientCarrierError(
                f"Nova Poshta answered HTTP {r.status_code}, not JSON"
            ) from exc
        if not isinstance(answer, dict):
            raise TransientCarrierError("Nova Poshta answered something other than an object")
        if not answer.get("success"):
            errors = [str(e) for e in answer.get("errors") or []] or ["success: false"]
            text = "; ".join(errors)[:300]
            if any("api key" in e.lower() or "apikey" in e.lower() for e in errors):
                raise CarrierAuthError(f"Nova Poshta refused the API key: {text}")
            raise CarrierError(f"Nova Poshta refused the request: {text}")
        data = answer.get("data")
        return data if isinstance(data, list) else []

    def status_documents(self, documents: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """`TrackingDocument.getStatusDocuments` for (number, phone) pairs, ≤ 100 at a time."""
        if len(documents) > MAX_DOCUMENTS:
            raise ValueError(f"at most {MAX_DOCUMENTS} documents per call")
        data = self.call(
            "TrackingDocument",
            "getStatusDocuments",
            {"Documents": [{"DocumentNumber": n, "Phone": p} for n, p in documents]},
        )
        return [d for d in data if isinstance(d, dict)]

    def warehouse(self, city_ref: str, number: str) -> dict[str, Any] | None:
        """`Address.getWarehouses` for one branch or locker of a city, by its number."""
        data = self.call(
            "Address",
            "getWarehouses",
            {"CityRef": city_ref, "WarehouseId": number, "Language": "UA"},
        )
        return next((d for d in data if isinstance(d, dict)), None)


def _retry_after(r: requests.Response) -> float | None:
    try:
        return float(r.headers.get("Retry-After", ""))
    except ValueError:
        return None
