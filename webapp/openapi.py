"""The OpenAPI 3.1 document for the event API, served at /openapi.json."""

from __future__ import annotations

from typing import Any

from core.domain.intake import LIMITS, MAX_ITEMS, MAX_QUANTITY, URL_LIMIT
from core.domain.statuses import Status

from .openapi_shopper import shopper_paths, shopper_schemas

_STR = {"type": "string"}
IGNORED = "The fields Wismo reads are listed here; any other field is accepted and ignored."
_MONEY = {
    "type": ["string", "number"],
    "pattern": r"^\d{1,12}(\.\d{1,4})?$",
    "description": "0 to below 10^12, at most 4 decimal places",
    "examples": ["1250.00"],
}


def _text(field: str, **more: Any) -> dict[str, Any]:
    """A string no longer than its column (core/domain/intake.py LIMITS)."""
    return {"type": "string", "maxLength": LIMITS[field], **more}


def openapi_document(public_url: str) -> dict[str, Any]:
    """The event API's contract; docs/api.md explains it in prose."""
    customer = {
        "type": "object",
        "properties": {
            "id": _text("customer.external_id"),
            "name": _text("customer.name"),
            "email": _text("customer.email", format="email"),
            "phone": _text(
                "customer.phone", description="as typed; best international, +380501234567"
            ),
            "locale": _text("customer.locale", examples=["uk", "ru", "en"]),
            "timezone": _text(
                "customer.timezone", description="a tz database zone", examples=["Europe/Kyiv"]
            ),
        },
    }
    shipment = {
        "type": "object",
        "properties": {
            "id": _text("shipment.id", description="your parcel id; several per order allowed"),
            "carrier": _text("shipment.carrier"),
            "tracking_number": _text("shipment.tracking_number"),
            "tracking_url": {"type": "string", "format": "uri", "maxLength": URL_LIMIT},
            "estimated_delivery": {"type": "string", "format": "date"},
            "items_count": {"type": "integer", "minimum": 0, "maximum": MAX_QUANTITY},
            "pickup_point": {
                "type": "object",
                "properties": {"name": _STR, "address": _STR, "hours": _STR},
            },
        },
    }
    order = {
        "type": "object",
        "description": IGNORED,
        "additionalProperties": True,
        "required": ["id", "status", "occurred_at"],
        "properties": {
            "id": {
                "type": ["string", "integer"],
                "maxLength": LIMITS["order_id"],
                "description": "your order id, stable across events",
            },
            "number": _text("number", description="what the shopper sees, e.g. #1001"),
            "status": {"type": "string", "enum": [s.value for s in Status]},
            "occurred_at": {
                "type": "string",
                "format": "date-time",
                "description": "when it happened; older events never move status back",
            },
            "customer": customer,
            "items": {
                "type": "array",
                "maxItems": MAX_ITEMS,
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": _STR,
                        "quantity": {"type": "integer", "minimum": 1, "maximum": MAX_QUANTITY},
                        "price": _MONEY,
                        "sku": {"type": "string", "maxLength": 100},
                    },
                },
            },
            "total": _MONEY,
            "shipping_total": {
                **_MONEY,
                "description": "what delivery cost (part of total); 0 shows as free delivery",
            },
            "refund_amount": {
                **_MONEY,
                "description": "with status refunded: how much was paid back",
            },
            "placed_at": {
                "type": "string",
                "format": "date-time",
                "description": "when the shopper placed the order (default: the first event)",
            },
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "estimated_delivery": {
                "type": "string",
                "format": "date",
                "description": "the order's expected delivery date (e.g. for the confirmation); "
                "a parcel's own date is shipment.estimated_delivery",
            },
            "shipment": shipment,
            "reason": {
                "type": ["string", "null"],
                "description": "why: a cancellation, a delay or a carrier problem",
            },
        },
    }
    error = {
        "type": "object",
        "properties": {"error": _STR, "errors": {"type": "object", "additionalProperties": _STR}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wismo event API",
            "version": "1",
            "description": "Push order status changes from any system (CRM, ERP, custom shop).",
        },
        "servers": [{"url": public_url}],
        "components": {
            "securitySchemes": {
                "shopApiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "the shop's API key (wsk_...)",
                }
            },
            "schemas": {
                "Event": {
                    "type": "object",
                    "description": IGNORED,
                    "additionalProperties": True,
                    "required": ["event_id", "order"],
                    "properties": {
                        "event_id": {
                            "type": ["string", "integer"],
                            "maxLength": LIMITS["event_key"],
                            "description": "unique per event; a repeat is a no-op",
                        },
                        "order": order,
                    },
                },
                "Error": error,
                **shopper_schemas(),
            },
        },
        "security": [{"shopApiKey": []}],
        "paths": {
            "/api/v1/orders/events": {
                "post": {
                    "summary": "Report an order status change",
                    "operationId": "postOrderEvent",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Event"}}
                        },
                    },
                    "responses": {
                        "202": {"description": "accepted; messages follow asynchronously"},
                        "200": {"description": "this event_id was accepted before (duplicate)"},
                        "400": {
                            "description": "invalid body, with field-level errors",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                        "401": {"description": "missing or wrong API key"},
                    },
                }
            },
            **shopper_paths(),
        },
    }
