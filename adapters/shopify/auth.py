"""Who is asking: install (OAuth), embedded admin (session token), storefront (app proxy).

Session tokens and app proxy signatures are checked by Shopify's `shopifyapp`; it
also gives the 401 with `X-Shopify-Retry-Invalid-Session-Request` and the
`frame-ancestors` policy. The authorization-code flow of a standalone install (shop
host check, state, HMAC of the callback query) is written here, because `shopifyapp`
1.0 does not implement it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from shopify_app import RequestInput, ShopifyApp

SHOP_HOST = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
SCOPES = "read_orders,read_fulfillments,read_returns,read_customers,write_app_proxy"


def valid_shop(value: Any) -> str | None:
    """The shop's myshopify.com host, or None when it is anything else (no open redirect)."""
    if not isinstance(value, str):
        return None
    host = value.strip().lower()
    return host if SHOP_HOST.fullmatch(host) else None


def authorize_url(shop: str, client_id: str, redirect_uri: str, state: str) -> str:
    """Where to send the merchant to approve the app (offline access: no per-user grant)."""
    query = urlencode(
        {"client_id": client_id, "scope": SCOPES, "redirect_uri": redirect_uri, "state": state}
    )
    return f"https://{shop}/admin/oauth/authorize?{query}"


def query_hmac_ok(
    pairs: Iterable[tuple[str, str]], secret: str, previous: str | None = None
) -> bool:
    """Shopify's HMAC of an OAuth callback or install query: hex HMAC-SHA256 of the sorted
    `key=value` pairs (without `hmac` and `signature`) joined with `&`."""
    items = list(pairs)
    given = next((v for k, v in items if k == "hmac"), "")
    message = "&".join(
        f"{k}={v}" for k, v in sorted((k, v) for k, v in items if k not in ("hmac", "signature"))
    )
    for key in filter(None, (secret, previous)):
        digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()
        if hmac.compare_digest(digest, given):
            return True
    return False


def frame_ancestors(shop: str) -> str:
    """The CSP that lets only this shop's admin frame the embedded app."""
    return f"frame-ancestors https://{shop} https://admin.shopify.com;"


@dataclass(frozen=True)
class Verified:
    """A request Shopify vouched for: the shop host, and what else it says."""

    ok: bool
    shop: str | None = None
    customer_id: str | None = None
    id_token: Any = None
    status: int = 401
    headers: Mapping[str, str] | None = None
    reason: str = ""


def _request(method: str, url: str, headers: Mapping[str, str], body: str = "") -> RequestInput:
    return cast(
        RequestInput, {"method": method, "url": url, "headers": dict(headers), "body": body}
    )


def verify_session(
    app: ShopifyApp, method: str, url: str, headers: Mapping[str, str], patch_path: str
) -> Verified:
    """An embedded-admin request: the session token (JWT) in the header or `id_token`."""
    result = app.verify_app_home_req(_request(method, url, headers), patch_path)
    if not result.ok:
        return Verified(
            False,
            status=result.response.status,
            headers=dict(result.response.headers),
            reason=result.log.code,
        )
    shop = f"{result.shop}.myshopify.com"
    return Verified(
        True, shop=shop, id_token=result.id_token, status=200, headers=dict(result.response.headers)
    )


def verify_proxy(app: ShopifyApp, url: str, headers: Mapping[str, str]) -> Verified:
    """An app proxy request: `signature` of the query and a `timestamp` under 90 s old."""
    result = app.verify_app_proxy_req(_request("GET", url, headers))
    if not result.ok:
        return Verified(False, status=401, reason=result.log.code)
    shop = valid_shop(f"{result.shop}.myshopify.com") if result.shop else None
    if shop is None:
        return Verified(False, status=401, reason="invalid_shop")
    return Verified(True, shop=shop, customer_id=result.logged_in_customer_id or None, status=200)
