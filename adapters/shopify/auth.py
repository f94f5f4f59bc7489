"""Who is asking: install (OAuth), embedded admin (session token), storefront (app proxy).

Session tokens and app proxy signatures are checked by Shopify's `shopifyapp`; it
also gives the 401 with `X-Shopify-Retry-Invalid-Session-Request` and the
`frame-ancestors` policy. Two things are written here, each as Shopify's official
ShopifyAPI library does it (the tests check that both agree): the session-token claims
`shopifyapp` leaves unchecked (`claims_problem`), and the query HMAC with its one-day
timestamp window of an install link and of the authorization-code callback
(`query_hmac_ok`), a flow `shopifyapp` 1.0 does not implement.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode, urljoin, urlsplit

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


INSTALL_LINK_MAX_AGE = 24 * 60 * 60  # ShopifyAPI's Session.validate_params: one day


def query_hmac_ok(
    args: Iterable[tuple[str, str]],
    secret: str,
    previous: str | None = None,
    now: float | None = None,
) -> bool:
    """An install link's or OAuth callback's query, checked as ShopifyAPI's
    `Session.validate_params` does: a `timestamp` under a day old, then the hex HMAC-SHA256
    of the sorted, escaped `key=value` pairs (all but `hmac`) joined with `&`."""
    pairs = list(args)
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    try:
        stamp = int((params.get("timestamp") or ["0"])[0])
    except ValueError:
        return False
    if stamp < (time.time() if now is None else now) - INSTALL_LINK_MAX_AGE:
        return False
    given = (params.get("hmac") or [""])[0]
    message = _signed_message(params).encode()
    for key in filter(None, (secret, previous)):
        digest = hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
        if hmac.compare_digest(digest.encode(), given.encode()):
            return True
    return False


def _signed_message(params: Mapping[str, list[str]]) -> str:
    """ShopifyAPI's `__encoded_params_for_signature`: `%`, `&` and `=` in keys, `%` and `&`
    in values escaped, so no value can forge another pair; `k[]` lists as JSON."""
    encoded = []
    for key, values in params.items():
        if key == "hmac":
            continue
        value = values[0]
        if key.endswith("[]"):
            key, value = key.rstrip("[]"), json.dumps(values)
        key = key.replace("%", "%25").replace("=", "%3D")
        encoded.append(f"{key}={value.replace('%', '%25')}".replace("&", "%26"))
    return "&".join(sorted(encoded))


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
    retry: Any = None  # shopifyapp's invalid_token_response: how to ask for a fresh token


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
    problem = claims_problem((result.id_token.claims if result.id_token else None) or {})
    if problem:
        refused = result.invalid_token_response
        return Verified(
            False,
            status=refused.status if refused else 401,
            headers=dict(refused.headers) if refused else {},
            reason=problem,
        )
    shop = f"{result.shop}.myshopify.com"
    return Verified(
        True,
        shop=shop,
        id_token=result.id_token,
        status=200,
        headers=dict(result.response.headers),
        retry=result.invalid_token_response,
    )


REQUIRED_CLAIMS = ("iss", "dest", "sub", "jti", "sid")  # ShopifyAPI's session_token


def claims_problem(claims: Mapping[str, Any]) -> str | None:
    """What ShopifyAPI's `session_token.decode_from_header` would refuse in verified claims
    (`shopifyapp` checks only signature, time and audience): None when all is well."""
    missing = [c for c in REQUIRED_CLAIMS if not claims.get(c)]
    if missing:
        return f"missing_claims:{','.join(missing)}"
    iss, dest = str(claims["iss"]), str(claims["dest"])
    if valid_shop(urlsplit(iss).hostname) is None:
        return "invalid_issuer"
    if urljoin(iss, "/") != urljoin(dest, "/"):
        return "issuer_destination_mismatch"
    return None


def verify_proxy(app: ShopifyApp, url: str, headers: Mapping[str, str]) -> Verified:
    """An app proxy request: `signature` of the query and a `timestamp` under 90 s old."""
    result = app.verify_app_proxy_req(_request("GET", url, headers))
    if not result.ok:
        return Verified(False, status=401, reason=result.log.code)
    shop = valid_shop(f"{result.shop}.myshopify.com") if result.shop else None
    if shop is None:
        return Verified(False, status=401, reason="invalid_shop")
    return Verified(True, shop=shop, customer_id=result.logged_in_customer_id or None, status=200)
