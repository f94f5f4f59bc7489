"""The WooCommerce REST API (wc/v3), through the `woocommerce` package: the only HTTP here.

Over https the package authenticates with Basic auth; over plain http (local stores)
with one-legged OAuth 1.0a, which WooCommerce accepts there. Webhooks are registered
with a secret of Wismo's own; since WooCommerce disables a webhook after a handful of
failed deliveries and never retries, `ensure_webhooks` re-creates disabled or missing
ones, and `orders_since` lets reconciliation fetch what the webhooks missed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from requests.auth import HTTPBasicAuth
from woocommerce.oauth import OAuth

from core import netguard
from core.errors import ConfigError

TOPICS = ("order.created", "order.updated", "order.deleted", "order.restored")
PER_PAGE = 50
VERSION = "wc/v3"
USER_AGENT = "Wismo (+https://github.com/wismo)"
OPEN_STATUSES = "on-hold,processing"  # plugin statuses would fail validation where absent


class WooApiError(ConfigError):
    """The store refused or failed a request (wrong keys, REST API off, store down)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Page:
    """One page of orders and how many pages and orders there are in all."""

    orders: list[dict[str, Any]]
    page: int
    total_pages: int
    total: int


class WooClient:
    """A store's REST API with the consumer key and secret the merchant granted.

    Requests go through `core.netguard`: the store URL is the merchant's, so it must not lead
    to Wismo's own network (issue 16 item 3). The `woocommerce` package signs them as it
    would itself (Basic auth over https, its OAuth 1.0a over plain http).
    """

    def __init__(
        self, store_url: str, consumer_key: str, consumer_secret: str, timeout: float = 15
    ):
        self.url = store_url.rstrip("/")
        self.key, self.secret, self.timeout = consumer_key, consumer_secret, timeout
        self.http = netguard.session()

    def _request(
        self,
        method: str,
        endpoint: str,
        data: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        url = f"{self.url}/wp-json/{VERSION}/{endpoint}"
        auth = None
        query: dict[str, str] = dict(params or {})
        if url.startswith("https"):
            auth = HTTPBasicAuth(self.key, self.secret)
        else:
            url = OAuth(
                url=f"{url}?{urlencode(query)}",
                consumer_key=self.key,
                consumer_secret=self.secret,
                version=VERSION,
                method=method.upper(),
            ).get_oauth_url()  # the package also sends the query again as params: so do we
        body = json.dumps(data, ensure_ascii=False).encode() if data is not None else None
        headers = {"user-agent": USER_AGENT, "accept": "application/json"}
        if body is not None:
            headers["content-type"] = "application/json;charset=utf-8"
        return self.http.request(
            method.upper(),
            url,
            auth=auth,
            params=query,
            data=body,
            headers=headers,
            timeout=self.timeout,
        )

    def _call(self, method: str, endpoint: str, **kwargs: Any) -> requests.Response:
        try:
            response = self._request(method, endpoint, **kwargs)
        except requests.RequestException as exc:
            raise WooApiError(f"the store did not answer: {exc}") from None
        except netguard.ForbiddenDestination as exc:
            raise WooApiError(str(exc)) from None
        if response.status_code >= 400:
            raise WooApiError(_reason(response), response.status_code)
        return response

    def create_webhook(self, topic: str, delivery_url: str, secret: str) -> int:
        """Register one active webhook; returns its id."""
        body = {
            "name": f"Wismo {topic}",
            "topic": topic,
            "delivery_url": delivery_url,
            "secret": secret,
            "status": "active",
        }
        return int(self._call("post", "webhooks", data=body).json()["id"])

    def webhook(self, webhook_id: int) -> dict[str, Any] | None:
        """The webhook, or None when the store no longer has it."""
        try:
            data: dict[str, Any] = self._call("get", f"webhooks/{int(webhook_id)}").json()
            return data
        except WooApiError as exc:
            if exc.status == 404:
                return None
            raise

    def delete_webhook(self, webhook_id: int) -> None:
        """Remove a webhook for good (force: WooCommerce webhooks have no trash)."""
        try:
            self._call("delete", f"webhooks/{int(webhook_id)}", params={"force": "true"})
        except WooApiError as exc:
            if exc.status != 404:
                raise

    def ensure_webhooks(
        self, known: Mapping[str, int], delivery_url: str, secret: str
    ) -> tuple[dict[str, int], list[str]]:
        """Every topic with an active webhook of ours; returns (ids by topic, topics re-created)."""
        ids: dict[str, int] = {}
        recreated: list[str] = []
        for topic in TOPICS:
            current = self.webhook(known[topic]) if topic in known else None
            healthy = (
                current is not None
                and current.get("status") == "active"
                and current.get("delivery_url") == delivery_url
            )
            if healthy:
                ids[topic] = int(known[topic])
                continue
            ids[topic] = self.create_webhook(topic, delivery_url, secret)
            if current is not None:
                self.delete_webhook(int(known[topic]))
            if topic in known:
                recreated.append(topic)
        return ids, recreated

    def orders(self, page: int = 1, **filters: str) -> Page:
        """One page of orders, oldest change first; totals from X-WP-Total(Pages)."""
        params = {"per_page": str(PER_PAGE), "page": str(page), **filters}
        response = self._call("get", "orders", params=params)
        orders = response.json()
        if not isinstance(orders, list):
            raise WooApiError("the store answered orders with something that is not a list")
        return Page(
            orders=orders,
            page=page,
            total_pages=int(response.headers.get("X-WP-TotalPages") or 1),
            total=int(response.headers.get("X-WP-Total") or len(orders)),
        )

    def orders_since(self, modified_after: str) -> Iterator[Page]:
        """Pages of orders changed after `modified_after` (GMT, ISO 8601), oldest first."""
        filters = {
            "modified_after": modified_after,
            "dates_are_gmt": "true",
            "orderby": "modified",
            "order": "asc",
        }
        yield from self._pages(filters)

    def open_orders(self, created_after: str) -> Iterator[Page]:
        """Pages of orders not yet finished (on hold, processing), created after the date."""
        filters = {
            "after": created_after,
            "dates_are_gmt": "true",
            "status": OPEN_STATUSES,
            "orderby": "date",
            "order": "asc",
        }
        yield from self._pages(filters)

    def _pages(self, filters: dict[str, str]) -> Iterator[Page]:
        page = 1
        while True:
            current = self.orders(page, **filters)
            yield current
            if page >= current.total_pages or not current.orders:
                return
            page += 1


def _reason(response: requests.Response) -> str:
    """What went wrong, from the status alone: a store URL's body is never repeated."""
    hint = {
        401: "the consumer key or secret is wrong, or lacks read/write permission",
        404: "no WooCommerce REST API there (is the store URL right, are permalinks on?)",
    }.get(response.status_code, "")
    answered = f"WooCommerce answered {netguard.short_reason(response)}"
    return f"{answered}: {hint}" if hint else answered
