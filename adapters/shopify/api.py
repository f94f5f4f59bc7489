"""The only module that talks HTTP to Shopify: tokens and the GraphQL Admin API.

Token exchange, refresh and GraphQL requests go through Shopify's own `shopifyapp`
package. Two parts are written here by hand, because `shopifyapp` 1.0 has no API
for them: the authorization-code grant of a standalone install (`exchange_code`),
and waiting out the GraphQL Admin API's cost-based throttle (`shopifyapp` retries an
HTTP 429, but a THROTTLED error comes back as HTTP 200 with `errors`, which it returns
to the caller as failed).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from shopify_app import ShopifyApp, admin_graphql_request

from core.errors import ConfigError, WismoError
from core.settings import Settings
from core.storage.clock import utcnow

log = logging.getLogger(__name__)
API_VERSION = "2026-10"
MAX_THROTTLE_WAITS = 6


class ShopifyApiError(WismoError):
    """Shopify refused or failed a request; `status` is its HTTP status (0: no answer)."""

    def __init__(
        self, message: str, status: int = 0, code: str | None = None, response: Any = None
    ) -> None:
        super().__init__(message)
        self.status, self.code = status, code
        self.response = response  # shopifyapp's answer for the merchant's request, if any


@dataclass(frozen=True)
class Tokens:
    """An offline access token, its refresh token and when each stops working."""

    access_token: str
    refresh_token: str | None = None
    expires: datetime | None = None
    refresh_expires: datetime | None = None
    scope: str | None = None


class Rebase(httpx.BaseTransport):
    """Send every request to `origin` instead (an egress proxy, or a local stand-in in tests).

    The Host header keeps naming the shop, so the receiver still sees whose API it is.
    """

    def __init__(self, origin: str) -> None:
        self.origin = httpx.URL(origin)
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self.origin.scheme, host=self.origin.host, port=self.origin.port
        )
        return self.inner.handle_request(request)


class ShopifyApi:
    """The app's credentials plus an HTTP client; one per call site, cheap to build."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        previous_secret: str | None = None,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        api_version: str = API_VERSION,
    ) -> None:
        self.app = ShopifyApp(client_id, client_secret, previous_secret)
        self.client_id, self.client_secret = client_id, client_secret
        self.http = http or httpx.Client(timeout=30.0)
        self.sleep = sleep or pause
        self.api_version = api_version
        self.costs = {"queries": 0, "requested": 0.0, "actual": 0.0}  # logged once per run
        self.denied: set[str] = set()  # protected fields Shopify refused (ACCESS_DENIED)

    def close(self) -> None:
        """Close the HTTP client's connections."""
        self.http.close()

    def __enter__(self) -> ShopifyApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def from_settings(cls, settings: Settings, **kw: Any) -> ShopifyApi:
        """From WISMO_SHOPIFY_API_KEY / _SECRET; `shopify_admin_origin` in extra reroutes calls."""
        if not settings.shopify_api_key or not settings.shopify_api_secret:
            raise ConfigError("set WISMO_SHOPIFY_API_KEY and WISMO_SHOPIFY_API_SECRET")
        origin = (settings.extra or {}).get("shopify_admin_origin")
        http = httpx.Client(timeout=30.0, transport=Rebase(origin)) if origin else None
        return cls(
            settings.shopify_api_key,
            settings.shopify_api_secret,
            settings.shopify_api_secret_previous,
            http=http,
            **kw,
        )

    # --- tokens ---------------------------------------------------------------------------

    def exchange_session_token(self, id_token: Any, invalid_token_response: Any = None) -> Tokens:
        """Managed install: trade a verified session token for an expiring offline token.

        `invalid_token_response` is the verify result's: when Shopify calls the token
        invalid, the error carries it, so the merchant's browser fetches a fresh one.
        """
        result = self.app.exchange_using_token_exchange(
            "offline",
            id_token=id_token,
            invalid_token_response=invalid_token_response,
            expiring=True,
            http_client=self.http,
        )
        if not result.ok or result.access_token is None:
            raise ShopifyApiError(
                f"token exchange failed: {result.log.code}",
                result.response.status,
                result.log.code,
                response=result.response,
            )
        return _tokens(result.access_token)

    def refresh(self, shop: str, tokens: Tokens) -> Tokens | None:
        """A fresh access token (and the rotated refresh token), or None while the current
        one is still good: `shopifyapp` decides, as its README asks, from the real expiry."""
        if not tokens.refresh_token:
            raise ShopifyApiError("no refresh token kept for this shop; reinstall the app")
        result = self.app.refresh_token_exchanged_access_token(
            {
                "shop": shop_name(shop),
                "access_mode": "offline",
                "token": tokens.access_token,
                "scope": tokens.scope or "",
                "refresh_token": tokens.refresh_token,
                "expires": _iso(tokens.expires),
                "refresh_token_expires": _iso(tokens.refresh_expires),
            },
            http_client=self.http,
        )
        if not result.ok:
            raise ShopifyApiError(
                f"token refresh failed: {result.log.code}", result.response.status, result.log.code
            )
        return _tokens(result.access_token) if result.access_token is not None else None

    def exchange_code(self, shop: str, code: str) -> Tokens:
        """Standalone install: the authorization-code grant, asking for an expiring token.

        By hand: `shopifyapp` implements token exchange and refresh but not this grant.
        """
        response = self._post_token(
            shop,
            {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "code": code,
                "expiring": 1,
            },
        )
        now = utcnow()
        return Tokens(
            access_token=response["access_token"],
            refresh_token=response.get("refresh_token"),
            expires=now + timedelta(seconds=int(response["expires_in"]))
            if response.get("expires_in")
            else None,
            refresh_expires=now + timedelta(seconds=int(response["refresh_token_expires_in"]))
            if response.get("refresh_token_expires_in")
            else None,
            scope=response.get("scope"),
        )

    def _post_token(self, shop: str, body: Mapping[str, Any]) -> dict[str, Any]:
        try:
            r = self.http.post(
                f"https://{shop}/admin/oauth/access_token",
                json=dict(body),
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise ShopifyApiError(f"could not reach {shop}: {exc}") from None
        if r.status_code != 200:
            raise ShopifyApiError(f"code exchange failed: HTTP {r.status_code}", r.status_code)
        data = r.json()
        if not isinstance(data, dict) or not data.get("access_token"):
            raise ShopifyApiError("code exchange answered without an access token", r.status_code)
        return data

    # --- GraphQL Admin API ----------------------------------------------------------------

    def graphql(
        self, shop: str, access_token: str, query: str, variables: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Run one query; wait out THROTTLED answers by the bucket's restore rate.

        Fields refused with ACCESS_DENIED (protected customer data not yet approved) come
        back as nulls: the rest of the answer is used and the fields noted in `denied`.
        """
        for _ in range(MAX_THROTTLE_WAITS + 1):
            result = admin_graphql_request(
                query,
                shop_name(shop),
                access_token,
                self.api_version,
                variables=dict(variables),
                http_client=self.http,
            )
            body = _json(result.response.body)
            if result.ok and result.data is not None:
                self._count(result.extensions)
                self._pace(result.extensions)
                return result.data
            partial = _partial(body)
            if partial is not None:
                data, fields = partial
                self.denied.update(fields)
                self._count(body.get("extensions"))
                self._pace(body.get("extensions"))
                return data
            wait = throttle_wait(body)
            if wait is None:
                code = _error_code(body) or result.log.code
                raise ShopifyApiError(
                    f"GraphQL Admin API: {code} {_messages(body)}".strip(),
                    result.response.status,
                    code,
                )
            log.info("Shopify throttled %s; waiting %.1fs", shop, wait)
            self.sleep(wait)
        raise ShopifyApiError("GraphQL Admin API stayed throttled", 200, "THROTTLED")

    def _count(self, extensions: Mapping[str, Any] | None) -> None:
        """Add one answer's requested and actual query cost to this client's totals."""
        cost = (extensions or {}).get("cost") or {}
        self.costs["queries"] += 1
        self.costs["requested"] += float(cost.get("requestedQueryCost") or 0)
        self.costs["actual"] += float(cost.get("actualQueryCost") or 0)

    def _pace(self, extensions: Mapping[str, Any] | None) -> None:
        """After a success, wait if the bucket cannot pay for another query of this cost."""
        cost = (extensions or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        if status.get("currentlyAvailable") is None:
            return  # no throttle status given: nothing to pace by
        needed = float(cost.get("requestedQueryCost") or 0)
        available = float(status["currentlyAvailable"])  # 0 is an empty bucket, not a full one
        rate = float(status.get("restoreRate") or 0)
        if rate > 0 and available < needed:
            self.sleep((needed - available) / rate)


def pause(seconds: float) -> None:
    """Wait for the throttle bucket to refill (a module function, so tests can stand in)."""
    time.sleep(seconds)


def throttle_wait(body: Any) -> float | None:
    """Seconds to wait before retrying a THROTTLED answer (None: not throttled)."""
    if not isinstance(body, dict):
        return None
    errors = body.get("errors") or []
    codes = {(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)}
    if "THROTTLED" not in codes:
        return None
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    needed = float(cost.get("requestedQueryCost") or 0)
    available = float(status.get("currentlyAvailable") or 0)
    rate = float(status.get("restoreRate") or 0) or 50.0
    return max((needed - available) / rate, 0.5)


def shop_name(shop: str) -> str:
    """'anna.myshopify.com' -> 'anna', as `shopifyapp` addresses shops."""
    return shop.removesuffix(".myshopify.com")


def _tokens(t: Any) -> Tokens:
    return Tokens(
        access_token=t.token,
        refresh_token=t.refresh_token,
        expires=_time(t.expires),
        refresh_expires=_time(t.refresh_token_expires),
        scope=t.scope or None,
    )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _iso(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _json(text: str) -> Any:
    try:
        return json.loads(text or "null")
    except ValueError:
        return None


def _error_code(body: Any) -> str | None:
    """The first GraphQL error's `extensions.code` (MAX_COST_EXCEEDED, ACCESS_DENIED...)."""
    if not isinstance(body, dict):
        return None
    for error in body.get("errors") or []:
        if isinstance(error, dict) and (error.get("extensions") or {}).get("code"):
            return str(error["extensions"]["code"])
    return None


def _partial(body: Any) -> tuple[dict[str, Any], set[str]] | None:
    """(data, refused field names) when every error is ACCESS_DENIED on a field and data came."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return None
    fields = set()
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            return None
        path = [p for p in error.get("path") or [] if isinstance(p, str)]
        if (error.get("extensions") or {}).get("code") != "ACCESS_DENIED" or not path:
            return None
        fields.add(path[-1])
    return (body["data"], fields) if fields else None


def _messages(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    return "; ".join(str(e.get("message")) for e in body.get("errors") or [] if isinstance(e, dict))
