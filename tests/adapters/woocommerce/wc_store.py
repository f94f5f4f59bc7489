"""A WooCommerce REST API (wc/v3) played by the local HTTP stub.

It checks requests the way WooCommerce does: over plain http, one-legged OAuth 1.0a
(WC_REST_Authentication::check_oauth_signature, re-implemented here independently of
the client package), answers 401 otherwise; webhooks and orders live in memory, and
orders are paged with X-WP-Total / X-WP-TotalPages as WordPress does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from typing import Any
from urllib.parse import quote

from tests.support.http_stub import HttpStub, StubRequest

CK = "ck_" + "a" * 40
CS = "cs_" + "b" * 40
BASE = "/wp-json/wc/v3"


def _enc(text: str) -> str:
    return quote(text, safe="-_.~")


def oauth_ok(stub: HttpStub, req: StubRequest, keys: dict[str, str] | None = None) -> bool:
    """Whether the request carries a valid HMAC-SHA256 OAuth 1.0a signature of one of the
    store's keys (consumer key -> secret; by default the one pair CK, CS)."""
    keys = {CK: CS} if keys is None else keys
    params = {k: v[-1] for k, v in req.query.items()}
    given = params.pop("oauth_signature", None)
    secret = keys.get(str(params.get("oauth_consumer_key")))
    if not given or secret is None:
        return False
    if params.get("oauth_signature_method") != "HMAC-SHA256":
        return False
    normal = {_enc(k): _enc(v) for k, v in sorted(params.items())}
    query = "%26".join(_enc(f"{k}={v}") for k, v in normal.items())
    base = f"{req.method}&{_enc(stub.url + req.path)}&{query}"
    digest = hmac.new((secret + "&").encode(), base.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), given)


class WooStore:
    """The store's state and the stub routes that serve it."""

    def __init__(self, stub: HttpStub, per_page_cap: int = 100) -> None:
        self.stub = stub
        self.webhooks: dict[int, dict[str, Any]] = {}
        self.orders: list[dict[str, Any]] = []
        self.keys = {CK: CS}  # the store's REST API keys (woocommerce_api_keys)
        self._next_id = 100
        stub.route("POST", f"{BASE}/webhooks", self._create)
        stub.route("GET", f"{BASE}/webhooks/{{id}}", self._get)
        stub.route("DELETE", f"{BASE}/webhooks/{{id}}", self._delete)
        stub.route("GET", f"{BASE}/orders", self._orders)

    @property
    def url(self) -> str:
        return self.stub.url

    def _auth(self, req: StubRequest):  # type: ignore[no-untyped-def]
        if not oauth_ok(self.stub, req, self.keys):
            return (
                401,
                {},
                {
                    "code": "woocommerce_rest_authentication_error",
                    "message": "Invalid signature - provided signature does not match.",
                },
            )
        return None

    def _create(self, req: StubRequest):  # type: ignore[no-untyped-def]
        denied = self._auth(req)
        if denied:
            return denied
        body = req.json()
        self._next_id += 1
        hook = {"id": self._next_id, "status": body.get("status", "active"), **body}
        self.webhooks[self._next_id] = hook
        return (201, {}, {k: v for k, v in hook.items() if k != "secret"})

    def _get(self, req: StubRequest):  # type: ignore[no-untyped-def]
        denied = self._auth(req)
        if denied:
            return denied
        hook = self.webhooks.get(int(req.path_params["id"]))
        if hook is None:
            return (
                404,
                {},
                {"code": "woocommerce_rest_webhook_invalid_id", "message": "Invalid ID."},
            )
        return (200, {}, {k: v for k, v in hook.items() if k != "secret"})

    def _delete(self, req: StubRequest):  # type: ignore[no-untyped-def]
        denied = self._auth(req)
        if denied:
            return denied
        hook = self.webhooks.pop(int(req.path_params["id"]), None)
        return (200, {}, hook) if hook else (404, {}, {"message": "Invalid ID."})

    def _orders(self, req: StubRequest):  # type: ignore[no-untyped-def]
        denied = self._auth(req)
        if denied:
            return denied
        q = {k: v[-1] for k, v in req.query.items()}
        rows = list(self.orders)
        if "modified_after" in q:
            rows = [o for o in rows if o["date_modified_gmt"] > q["modified_after"]]
        if "status" in q:
            rows = [o for o in rows if o["status"] in q["status"].split(",")]
        rows.sort(key=lambda o: o["date_modified_gmt"])
        per_page, page = int(q.get("per_page", 10)), int(q.get("page", 1))
        pages = max(1, math.ceil(len(rows) / per_page))
        chunk = rows[(page - 1) * per_page : page * per_page]
        headers = {"X-WP-Total": str(len(rows)), "X-WP-TotalPages": str(pages)}
        return (200, headers, chunk)
