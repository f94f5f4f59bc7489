"""International carriers through karrio: one Wismo carrier per karrio extension."""

from core.carriers.karrio_bridge.api import KarrioCarrier
from core.carriers.karrio_bridge.carriers import (
    AustraliaPostCarrier,
    CanadaPostCarrier,
    DhlExpressCarrier,
    DhlUniversalCarrier,
    DpdCarrier,
    FedexCarrier,
    GlsCarrier,
    UpsCarrier,
    UspsCarrier,
)

__all__ = [
    "AustraliaPostCarrier",
    "CanadaPostCarrier",
    "DhlExpressCarrier",
    "DhlUniversalCarrier",
    "DpdCarrier",
    "FedexCarrier",
    "GlsCarrier",
    "KarrioCarrier",
    "UpsCarrier",
    "UspsCarrier",
]
