"""Following parcels: which parcels are followed, and what a carrier's news does to them.

`discover` starts following each shipment that has a tracking number; `apply_updates`
turns a carrier's `ParcelUpdate`s (polled or pushed) into canonical events and stores the
scans; `ingest` is the one way those events enter the pipeline. Event keys come from the
carrier's own scan identity, so the same scan polled twice, pushed and polled, or read
out of order is accepted once and judged by the state machine like any other event.

    config      installed carriers, a shop's connected ones and their settings
    discovery   which shipments are followed; parcels found by (normalised) number
    events      the canonical events scans and facts make
    states      a parcel's state after an answer, and its next check
    updates     applying a batch of updates: pipeline first, then the scans
"""

from .config import (
    carrier_classes,
    carrier_config,
    config_of,
    connected_carriers,
    credentials_key,
)
from .discovery import DISCOVER_BATCH, discover, find_parcels
from .events import SOURCE, pickup_dict
from .states import ACTIVE, ENDED, FOLLOWED, NOT_FOUND, UNRECOGNISED
from .updates import Applied, apply_update, apply_updates, ingest

__all__ = [
    "ACTIVE",
    "DISCOVER_BATCH",
    "ENDED",
    "FOLLOWED",
    "NOT_FOUND",
    "SOURCE",
    "UNRECOGNISED",
    "Applied",
    "apply_update",
    "apply_updates",
    "carrier_classes",
    "carrier_config",
    "config_of",
    "connected_carriers",
    "credentials_key",
    "discover",
    "find_parcels",
    "ingest",
    "pickup_dict",
]
