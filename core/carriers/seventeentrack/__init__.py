"""17TRACK: any carrier in the world, through the merchant's 17TRACK account."""

from core.carriers.seventeentrack.api import SeventeenTrackCarrier

__all__ = ["SeventeenTrackCarrier"]
