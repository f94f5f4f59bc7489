"""The Saleor App manifest, pure: what Saleor reads when a merchant installs the app.

Saleor fetches it from the manifest URL, creates the app with its permissions and webhooks
(each a subscription query: the payload is exactly the fields asked for), then POSTs the
app's token to `tokenTargetUrl`.
"""

from __future__ import annotations

from typing import Any

ORDER_FIELDS = """
fragment WismoOrder on Order {
  id
  number
  status
  created
  updatedAt
  userEmail
  languageCodeEnum
  total { gross { amount currency } }
  billingAddress { firstName lastName phone }
  shippingAddress { firstName lastName phone }
  lines { productName variantName quantity }
  fulfillments { id status trackingNumber created }
}
"""

EVENTS = (
    "ORDER_CREATED",
    "ORDER_CONFIRMED",
    "ORDER_UPDATED",
    "ORDER_FULFILLED",
    "ORDER_CANCELLED",
    "ORDER_EXPIRED",
    "FULFILLMENT_CREATED",
)

# The GraphQL type of each event (the `__typename` of the payload).
TYPES = {
    "ORDER_CREATED": "OrderCreated",
    "ORDER_CONFIRMED": "OrderConfirmed",
    "ORDER_UPDATED": "OrderUpdated",
    "ORDER_FULFILLED": "OrderFulfilled",
    "ORDER_CANCELLED": "OrderCancelled",
    "ORDER_EXPIRED": "OrderExpired",
    "FULFILLMENT_CREATED": "FulfillmentCreated",
}

SUBSCRIPTION = (
    "subscription WismoOrderEvents {\n  event {\n    __typename\n    issuedAt\n"
    + "".join(f"    ... on {TYPES[e]} {{ order {{ ...WismoOrder }} }}\n" for e in EVENTS)
    + "  }\n}\n"
    + ORDER_FIELDS
)


def manifest(public_url: str, shop_key: str, version: str = "0.1.0") -> dict[str, Any]:
    """The manifest of the Wismo app for one Wismo shop (its key is in every URL)."""
    base = public_url.rstrip("/")
    return {
        "id": f"wismo.{shop_key}",
        "version": version,
        "name": "Wismo order notifications",
        "about": "Tells shoppers where their order is, at every milestone, in their language.",
        "permissions": ["MANAGE_ORDERS"],
        "appUrl": f"{base}/saleor/{shop_key}/app",
        "tokenTargetUrl": f"{base}/saleor/{shop_key}/register",
        "author": "Wismo",
        "webhooks": [
            {
                "name": "Wismo order events",
                "asyncEvents": list(EVENTS),
                "query": SUBSCRIPTION,
                "targetUrl": f"{base}/webhooks/saleor/{shop_key}",
                "isActive": True,
            }
        ],
    }
