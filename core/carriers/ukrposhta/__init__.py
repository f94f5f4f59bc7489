"""Ukrposhta: Ukraine's national post, through its StatusTracking API."""

from core.carriers.ukrposhta.api import UkrposhtaCarrier

__all__ = ["UkrposhtaCarrier"]
