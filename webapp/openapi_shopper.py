"""The OpenAPI description of the shopper-side endpoints (merged into /openapi.json).

Support (shop API key): the instant answer and the order timeline. Public (no key):
the widget's two endpoints, authorised by a storefront token or number plus contact.
"""

from __future__ import annotations

from typing import Any

_STR = {"type": "string"}
_NULLABLE = {"type": ["string", "null"]}
_JSON = "application/json"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": _ref(schema)}}}


def shopper_schemas() -> dict[str, Any]:
    """OrderSummary, Answer, Question and Timeline."""
    summary = {
        "type": "object",
        "properties": {
            "number": _STR,
            "locale": {"type": "string", "enum": ["en", "ru", "uk"]},
            "first_name": _NULLABLE,
            "status": _STR,
            "status_label": _STR,
            "description": _STR,
            "overlay": {
                "type": ["object", "null"],
                "properties": {"status": _STR, "label": _STR, "reason": _NULLABLE},
            },
            "reason": _NULLABLE,
            "estimated_delivery": {"type": ["string", "null"], "format": "date"},
            "estimated_delivery_from": {"type": ["string", "null"], "format": "date"},
            "estimated_delivery_text": _NULLABLE,
            "shipments": {"type": "array", "items": {"type": "object"}},
            "timeline": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"status": _STR, "label": _STR, "at": _STR},
                },
            },
            "tracking_url": {"type": "string", "format": "uri"},
        },
    }
    return {
        "OrderSummary": summary,
        "Question": {
            "type": "object",
            "required": ["message"],
            "properties": {
                "message": {
                    "type": "string",
                    "maxLength": 2000,
                    "examples": ["где мой заказ 1001?"],
                },
                "email": _NULLABLE,
                "phone": _NULLABLE,
                "order_number": _NULLABLE,
                "locale": {
                    "type": ["string", "null"],
                    "description": "used when the text cannot tell",
                },
                "trusted": {
                    "type": "boolean",
                    "description": "a signed-in agent asks: the number (or email) alone is enough",
                },
            },
        },
        "Answer": {
            "type": "object",
            "properties": {
                "language": {"type": "string", "enum": ["en", "ru", "uk"]},
                "answer": _STR,
                "intent": {
                    "type": "string",
                    "enum": ["status", "need_order_number", "need_contact", "not_found"],
                },
                "needs": {"type": "array", "items": _STR},
                "order": {"oneOf": [_ref("OrderSummary"), {"type": "null"}]},
            },
        },
        "Timeline": {
            "allOf": [
                _ref("OrderSummary"),
                {
                    "type": "object",
                    "properties": {
                        "customer": {"type": "object"},
                        "messages": {"type": "array", "items": {"type": "object"}},
                    },
                },
            ]
        },
    }


def shopper_paths() -> dict[str, Any]:
    """The answer, timeline and widget endpoints."""
    public: list[dict[str, Any]] = []
    return {
        "/api/v1/wismo/answer": {
            "post": {
                "summary": "Answer a shopper's 'where is my order?' in their language",
                "operationId": "postWismoAnswer",
                "requestBody": {"required": True, "content": {_JSON: {"schema": _ref("Question")}}},
                "responses": {
                    "200": _ok("the answer, or what detail is missing", "Answer"),
                    "400": {"description": "no message, or a field of the wrong type"},
                    "401": {"description": "missing or wrong API key"},
                },
            }
        },
        "/api/v1/orders/{number}/timeline": {
            "get": {
                "summary": "An order's milestones and every message sent (for support agents)",
                "operationId": "getOrderTimeline",
                "parameters": [
                    {"name": "number", "in": "path", "required": True, "schema": _STR},
                    {"name": "locale", "in": "query", "schema": _STR},
                ],
                "responses": {
                    "200": _ok("the timeline", "Timeline"),
                    "401": {"description": "missing or wrong API key"},
                    "404": {"description": "no such order in this shop"},
                },
            }
        },
        "/api/v1/widget/order": {
            "get": {
                "summary": "The order a storefront token names (used by widget.js)",
                "operationId": "getWidgetOrder",
                "security": public,
                "parameters": [
                    {"name": "token", "in": "query", "required": True, "schema": _STR},
                    {"name": "locale", "in": "query", "schema": _STR},
                ],
                "responses": {
                    "200": _ok("the order", "OrderSummary"),
                    "404": {
                        "description": "`not_found`: bad, expired or foreign token; "
                        "`pending`: a genuine token for an order Wismo has not received yet"
                    },
                },
            }
        },
        "/api/v1/widget/promise": {
            "get": {
                "summary": "Before purchase: when an order placed now would arrive (widget.js)",
                "operationId": "getWidgetPromise",
                "security": public,
                "parameters": [
                    {"name": "shop", "in": "query", "required": True, "schema": _STR},
                    {"name": "carrier", "in": "query", "schema": _STR},
                    {"name": "country", "in": "query", "schema": _STR},
                    {"name": "tz", "in": "query", "schema": _STR},
                    {"name": "locale", "in": "query", "schema": _STR},
                ],
                "responses": {
                    "200": {
                        "description": "the range, the cut-off countdown and the line to show",
                        "content": {
                            _JSON: {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "earliest": {"type": "string", "format": "date"},
                                        "latest": {"type": "string", "format": "date"},
                                        "single": {"type": "boolean"},
                                        "cause": _STR,
                                        "order_within_seconds": {"type": ["integer", "null"]},
                                        "locale": _STR,
                                        "text": _STR,
                                    },
                                }
                            }
                        },
                    },
                    "404": {"description": "no such shop, or its delivery promise is off"},
                    "429": {"description": "too many quotes from this IP or for this shop"},
                },
            }
        },
        "/api/v1/widget/lookup": {
            "post": {
                "summary": "Find a shop's order by number plus email or phone (widget form)",
                "operationId": "postWidgetLookup",
                "security": public,
                "requestBody": {
                    "required": True,
                    "content": {
                        _JSON: {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "shop": _STR,
                                    "number": _STR,
                                    "contact": _STR,
                                    "locale": _STR,
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _ok("the order", "OrderSummary"),
                    "404": {"description": "not found (always the same body)"},
                    "429": {"description": "too many attempts for this IP or order number"},
                },
            }
        },
    }
