"""The merchant's admin under /admin: sign-in, onboarding, settings, messages, orders, analytics.

One blueprint, filled by small view modules. Every view asks `access.principal()` who is
signed in (shop + role) and scopes each query to that shop. `init_admin(app)` wires the
session cookie flags and CSRF protection, and registers the blueprint.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from .blueprint import bp


def init_admin(app: Flask) -> None:
    """Register the admin and its engagement routes (/o, /c) on `app`."""
    from flask_wtf.csrf import CSRFProtect

    from . import (  # noqa: F401  (each module adds its routes to `bp`)
        auth,
        care,
        carriers,
        dashboard,
        editor,
        language,
        onboarding,
        orders,
        problems,
        promise,
        sender,
        settings_views,
    )
    from .engagement import bp as engagement_bp
    from .i18n import init_i18n

    container = app.extensions["wismo"]
    secure = container.settings.public_url.startswith("https://")
    app.config.update(
        SESSION_COOKIE_NAME="wismo_admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,  # https public URL: the cookie never travels in clear
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # Only the admin's forms are checked (in its before_request): webhooks, the event API
        # and RFC 8058 one-click unsubscribe are POSTed by machines that hold no session.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session's lifetime
    )
    CSRFProtect(app)
    init_i18n(app)
    app.register_blueprint(bp)
    app.register_blueprint(engagement_bp)
