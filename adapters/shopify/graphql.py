"""GraphQL Admin API orders, pure: the query text and order nodes -> canonical events.

Reconciliation and backfill read orders here instead of from webhooks. Their event
keys name the order's `updatedAt` (and each fulfillment's), so re-reading an order
that did not change adds nothing, and a missed change is fed in exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain.events import CustomerInfo, OrderEventIn, ShipmentInfo
from core.domain.statuses import Status
from core.rendering.locales import normalize_locale

from . import statuses
from .webhooks import SOURCE, _date, _id, _time

FULFILLMENTS_FIRST = 20  # as in ORDERS_QUERY: an order with this many is asked for all

LINE_ITEM = """
fragment WismoLineItem on LineItem {
  name currentQuantity sku originalUnitPriceSet { presentmentMoney { amount } }
}
"""
FULFILLMENT = """
fragment WismoFulfillment on Fulfillment {
  id status displayStatus updatedAt estimatedDeliveryAt
  trackingInfo { company number url }
  fulfillmentLineItems(first: 50) { pageInfo { hasNextPage endCursor } nodes { quantity } }
}
"""

ORDERS_QUERY = (
    """
query WismoOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id name createdAt updatedAt cancelledAt cancelReason
      displayFinancialStatus customerLocale statusPageUrl email phone
      currentTotalPriceSet { presentmentMoney { amount currencyCode } }
      customer { id firstName lastName }
      lineItems(first: 50) { pageInfo { hasNextPage endCursor } nodes { ...WismoLineItem } }
      fulfillments(first: 20) { ...WismoFulfillment }
    }
  }
}
"""
    + LINE_ITEM
    + FULFILLMENT
).strip()

# One big order's rest (250: the most a page holds): its further line items, all its
# fulfillments, a parcel's further items.
LINE_ITEMS_QUERY = (
    """
query WismoLineItems($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 250, after: $after) {
      pageInfo { hasNextPage endCursor } nodes { ...WismoLineItem }
    }
  }
}
"""
    + LINE_ITEM
).strip()
FULFILLMENTS_QUERY = (
    """
query WismoFulfillments($id: ID!) {
  order(id: $id) { fulfillments(first: 250) { ...WismoFulfillment } }
}
"""
    + FULFILLMENT
).strip()
FULFILLMENT_ITEMS_QUERY = """
query WismoFulfillmentItems($id: ID!, $after: String) {
  fulfillment(id: $id) {
    fulfillmentLineItems(first: 250, after: $after) {
      pageInfo { hasNextPage endCursor } nodes { quantity }
    }
  }
}
""".strip()

ORDERS_COUNT_QUERY = "query WismoCount($query: String) { ordersCount(query: $query) { count } }"
OPERATIONS = {  # every operation we send, for the schema check in the tests
    "orders": ORDERS_QUERY,
    "line_items": LINE_ITEMS_QUERY,
    "fulfillments": FULFILLMENTS_QUERY,
    "fulfillment_items": FULFILLMENT_ITEMS_QUERY,
    "count": ORDERS_COUNT_QUERY,
}


def next_cursor(connection: Mapping[str, Any] | None) -> str | None:
    """The cursor of a connection's next page (None: it is complete)."""
    info = (connection or {}).get("pageInfo") or {}
    return info.get("endCursor") if info.get("hasNextPage") else None


def page_of(data: Mapping[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """The order nodes of one page and the cursor of the next (None: last page)."""
    orders = data.get("orders") or {}
    info = orders.get("pageInfo") or {}
    cursor = info.get("endCursor") if info.get("hasNextPage") else None
    return [n for n in orders.get("nodes") or [] if isinstance(n, dict)], cursor


def order_events(node: Mapping[str, Any], silent: bool = False) -> list[OrderEventIn]:
    """The order's own status, then one event per fulfillment (parcel)."""
    order_id = _id(node.get("id"))
    updated = node.get("updatedAt") or node.get("createdAt")
    extra = {"silent": True} if silent else {}
    locale = normalize_locale(node.get("customerLocale")) or "en"
    status = _order_status(node)
    money = (node.get("currentTotalPriceSet") or {}).get("presentmentMoney") or {}
    events = [
        OrderEventIn(
            event_key=f"gql:{order_id}:{updated}",
            source=SOURCE,
            order_id=order_id,
            occurred_at=_time(updated if status != Status.PLACED else node.get("createdAt"))
            or _required(updated),
            status=status,
            number=node.get("name"),
            customer=_customer(node),
            items=[
                {
                    "name": li.get("name") or "",
                    "quantity": int(li.get("currentQuantity") or 0),
                    "price": (
                        (li.get("originalUnitPriceSet") or {}).get("presentmentMoney") or {}
                    ).get("amount"),
                    "sku": li.get("sku") or None,
                }
                for li in (node.get("lineItems") or {}).get("nodes") or []
                if int(li.get("currentQuantity") or 0) > 0  # removed items are not coming
            ]
            or None,
            total=money.get("amount"),
            currency=money.get("currencyCode"),
            locale=node.get("customerLocale"),
            reason=statuses.cancel_reason(node.get("cancelReason"), locale)
            if status == Status.CANCELLED
            else None,
            extra={**extra, "order_status_url": node.get("statusPageUrl")}
            if node.get("statusPageUrl")
            else extra,
        )
    ]
    for f in node.get("fulfillments") or []:
        event = _fulfillment(order_id, node.get("name"), f, extra)
        if event is not None:
            events.append(event)
    return events


def _order_status(node: Mapping[str, Any]) -> Status:
    financial = str(node.get("displayFinancialStatus") or "").lower()
    if node.get("cancelledAt"):
        return Status.CANCELLED
    if financial == "refunded":
        return Status.REFUNDED
    if financial == "paid":
        return Status.PROCESSING
    return Status.PLACED


def _customer(node: Mapping[str, Any]) -> CustomerInfo | None:
    cust = node.get("customer") or {}
    name = " ".join(filter(None, (cust.get("firstName"), cust.get("lastName")))) or None
    if not (name or node.get("email") or node.get("phone")):
        return None
    return CustomerInfo(
        name=name,
        email=node.get("email"),
        phone=node.get("phone"),
        locale=node.get("customerLocale"),
        external_id=_id(cust["id"]) if cust.get("id") else None,
    )


def _fulfillment(
    order_id: str, name: Any, f: Mapping[str, Any], extra: dict[str, Any]
) -> OrderEventIn | None:
    parcel, status = statuses.parcel_status(f.get("status"), f.get("displayStatus"))
    if not parcel:
        return None
    tracking = [t for t in f.get("trackingInfo") or [] if isinstance(t, dict)]
    numbers = [str(t["number"]) for t in tracking if t.get("number")]
    urls = [str(t["url"]) for t in tracking if t.get("url")]
    items = ((f.get("fulfillmentLineItems") or {}).get("nodes")) or []
    fid = _id(f.get("id"))
    return OrderEventIn(
        event_key=f"gql:{order_id}:f{fid}:{f.get('updatedAt')}",
        source=SOURCE,
        order_id=order_id,
        occurred_at=_time(f.get("updatedAt")) or _required(None),
        status=status,
        number=name,
        shipment=ShipmentInfo(
            id=fid,
            carrier=next((t["company"] for t in tracking if t.get("company")), None),
            tracking_number=", ".join(numbers) or None,
            tracking_url=urls[0] if urls else None,
            estimated_delivery=_date(f.get("estimatedDeliveryAt")),
            items_count=sum(int(i.get("quantity") or 1) for i in items) if items else None,
        ),
        extra=dict(extra),
    )


def _required(value: Any) -> Any:
    from core.errors import MalformedPayload

    raise MalformedPayload(f"an order or fulfillment without a usable updatedAt ({value!r})")
