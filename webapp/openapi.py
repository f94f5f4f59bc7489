"""The OpenAPI 3.1 document for the event API, served at /openapi.json."""

from __future__ import annotations

from typing import Any

from core.domain.statuses import Status

from .openapi_shopper import shopper_paths, shopper_schemas

_STR = {"type": "string"}
IGNORED = "The fields Wismo reads are listed here; any other field is accepted and ignored."


def openapi_document(public_url: str) -> dict[str, Any]:
    """The event API's contract; docs/api.md explains it in prose."""
    customer = {
        "type": "object",
        "properties": {
            "id": _STR,
            "name": _STR,
            "email": {"type": "string", "format": "email"},
            "phone": {"type": "string", "description": "international format, +380501234567"},
            "locale": {"type": "string", "examples": ["uk", "ru", "en"]},
            "timezone": {"type": "string", "examples": ["Europe/Kyiv"]},
        },
    }
    shipment = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "description": "your parcel id; several per order allowed"},
            "carrier": _STR,
            "tracking_number": _STR,
            "tracking_url": {"type": "string", "format": "uri"},
            "estimated_delivery": {"type": "string", "format": "date"},
            "items_count": {"type": "integer", "minimum": 0},
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
            "id": {"type": "string", "description": "your order id, stable across events"},
            "number": {"type": "string", "description": "what the shopper sees, e.g. #1001"},
            "status": {"type": "string", "enum": [s.value for s in Status]},
            "occurred_at": {
                "type": "string",
                "format": "date-time",
                "description": "when it happened; older events never move status back",
            },
            "customer": customer,
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": _STR,
                        "quantity": {"type": "integer", "minimum": 1},
                        "price": {"type": "string", "examples": ["1250.00"]},
                        "sku": _STR,
                    },
                },
            },
            "total": {"type": "string", "examples": ["1250.00"]},
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
                            "type": "string",
                            "maxLength": 200,
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
