"""Tracking links for the carriers the Shipment Tracking extensions name (core/carrier_links.py)."""

from core.carrier_links import carrier_name, tracking_url

__all__ = ["carrier_name", "tracking_url"]
