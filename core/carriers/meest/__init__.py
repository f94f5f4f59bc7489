"""Meest Express: parcels in Ukraine and from Europe, through Meest's openAPI."""

from core.carriers.meest.api import MeestCarrier

__all__ = ["MeestCarrier"]
