"""Per-request access to the app's container (the same helper plug-ins get from wismo.sdk.web)."""

from __future__ import annotations

from wismo.sdk.web import current_container as wismo

__all__ = ["wismo"]
