"""The admin blueprint, its security headers and CSRF check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, request

bp = Blueprint("admin", __name__, url_prefix="/admin")

ADMIN_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""Inline styles are allowed for the sandboxed email previews (CSS-inlined HTML mail)."""


@bp.before_request
def _csrf() -> None:
    """Every state-changing admin request carries the form's or the X-CSRFToken header's token,
    however its sender signed in (the resolver runs first, so it can seed the token)."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    from .access import principal

    principal()
    current_app.extensions["csrf"].protect()


@bp.before_request
def _language() -> None:
    """The admin's language for this request: the staff member's, else the browser's."""
    from .access import principal
    from .i18n import SESSION_KEY, choose_locale

    who = principal()
    g.setdefault(SESSION_KEY, choose_locale(who.locale if who is not None else None))


@bp.after_request
def _headers(response: Response) -> Response:
    """Strict headers; framing only by the origins the signed-in principal names (Shopify)."""
    from .access import principal

    who = principal()
    ancestors = who.frame_ancestors if who is not None else None
    if ancestors:
        csp = ADMIN_CSP.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")
        if who is not None and who.script_origins:
            csp = csp.replace("script-src 'self'", f"script-src 'self' {who.script_origins}")
        response.headers["Content-Security-Policy"] = csp
    else:
        response.headers["Content-Security-Policy"] = ADMIN_CSP
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _who() -> dict[str, object]:
    from .access import principal
    from .i18n import helpers

    who = principal()
    return {"who": who, "shop_name": who.shop_name if who else None, **helpers()}
