"""The Flask app: webhook endpoints, the event API, tracking pages, the demo and operations."""

from .app import create_app

__all__ = ["create_app"]
