"""Tracking links for carriers a store names without a link.

WooCommerce's Shipment Tracking extensions store only the provider's name (official
extension: "USPS", "Nova Poshta"; Advanced Shipment Tracking: a slug such as "usps" or
"nova-poshta"), and the OpenCart module's and the WordPress plugin's carrier choice sends
one of these names, so a push carries no URL for them. This is a short table of common
carriers; anything else keeps its number without a link. (Carrier detection proper, from
the number itself, belongs to the carrier plug-ins.)
"""

from __future__ import annotations

import re
from urllib.parse import quote

_CARRIERS: dict[str, tuple[str, str]] = {
    "usps": ("USPS", "https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1={n}"),
    "ups": ("UPS", "https://www.ups.com/track?tracknum={n}"),
    "fedex": ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={n}"),
    "dhl": ("DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={n}"),
    "dhlexpress": (
        "DHL Express",
        "https://www.dhl.com/global-en/home/tracking.html?tracking-id={n}",
    ),
    "royalmail": ("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{n}"),
    "canadapost": (
        "Canada Post",
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    ),
    "australiapost": ("Australia Post", "https://auspost.com.au/mypost/track/#/details/{n}"),
    "dpd": ("DPD", "https://tracking.dpd.de/status/en_US/parcel/{n}"),
    "gls": ("GLS", "https://gls-group.com/track/{n}"),
    "novaposhta": ("Nova Poshta", "https://novaposhta.ua/tracking/?cargo_number={n}"),
    "ukrposhta": ("Ukrposhta", "https://track.ukrposhta.ua/tracking_UA.html?barcode={n}"),
    "meestexpress": ("Meest Express", "https://t.meest-group.com/int/{n}"),
    "inpost": ("InPost", "https://inpost.pl/sledzenie-przesylek?number={n}"),
}


def _slug(provider: str) -> str:
    return re.sub(r"[^a-z0-9]", "", provider.lower())


def carrier_name(provider: str) -> str:
    """The name shoppers know ("usps" from Advanced Shipment Tracking reads "USPS")."""
    known = _CARRIERS.get(_slug(provider))
    return known[0] if known else provider


def tracking_url(provider: str | None, number: str) -> str | None:
    """The carrier's public tracking page for `number`, if the provider is one we know."""
    known = _CARRIERS.get(_slug(provider or ""))
    return known[1].format(n=quote(number, safe="")) if known else None
