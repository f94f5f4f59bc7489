"""The security headers every response carries, set once by the app factory.

A view may tighten or widen its page's policy by setting `g.csp` (the tracking page's
style hashes, the demo's scripts, the outbox's sandboxed email); a response that already
carries its own `Content-Security-Policy` (the admin, Shopify's embedded pages, which name
who may frame them) keeps it and its framing rules.
"""

from __future__ import annotations

from flask import Response, g

BASE_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
LIQUID = "application/liquid"  # a Shopify app proxy answer, rendered inside the shop's page


def security_headers(response: Response) -> Response:
    """Strict CSP, no framing, no sniffing, no referrer: unless the response set its own."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    # the shop's storefront page, not ours, decides the policy of what Shopify renders in it
    if "Content-Security-Policy" not in response.headers and response.mimetype != LIQUID:
        response.headers["Content-Security-Policy"] = g.get("csp", BASE_CSP)
        response.headers["X-Frame-Options"] = "DENY"
    return response
