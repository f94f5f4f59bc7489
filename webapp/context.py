"""Per-request access to the app's container."""

from __future__ import annotations

from flask import current_app

from core.bootstrap import Container


def wismo() -> Container:
    """The container the current app was built around."""
    return current_app.extensions["wismo"]
