"""One Wismo carrier per karrio extension that implements tracking, from one table.

Each row (`KarrioSpec`) names its karrio gateway, the credentials karrio's settings need
(the merchant's, per shop), its card (name, phone, site, public tracking page, aliases,
countries), how hard it may be asked (batch size, rate limit) and how its numbers look;
`karrio_carrier(spec)` makes the carrier class the `wismo.carriers` entry point names.
Adding a karrio carrier is one row, one recogniser (formats.py) and one entry point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.carriers.base import CarrierMetadata
from core.carriers.karrio_bridge.api import KarrioCarrier
from core.carriers.karrio_bridge.formats import (
    australiapost_number,
    canadapost_number,
    dhl_express_number,
    dhl_number,
    dpd_number,
    fedex_number,
    gls_number,
    ups_number,
    usps_number,
)
from core.i18n import N_
from core.plugins import ConfigField


def secret(name: str, label: str) -> ConfigField:
    """A required credential kept sealed (API keys, passwords)."""
    return ConfigField(name, label, secret=True, required=True)


def plain(name: str, label: str, required: bool = True) -> ConfigField:
    """A credential shown in the admin as typed (account ids, user names)."""
    return ConfigField(name, label, required=required)


@dataclass(frozen=True)
class KarrioSpec:
    """One karrio carrier as Wismo follows it (see the table below)."""

    slug: str  # the entry point name, URL segment and settings key
    karrio_name: str  # karrio's gateway key ("ups", "dhl_express", …)
    class_name: str
    doc: str
    label: str
    site: str
    tracking_url: str  # with {number}
    fields: tuple[ConfigField, ...]  # karrio's settings names; required ones first-class
    recognise: Callable[[str], float]
    phone: str = ""
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    batch_size: int = 1
    rate_limit: float = 1.0
    unlisted: tuple[str, ...] = ()  # optional karrio settings the admin does not ask for
    stamped: bool = False  # karrio gives each event the parcel's current status, not its own


COMMON_FIELDS = (
    ConfigField("test_mode", N_("Use the carrier's test environment"), kind="bool"),
    ConfigField("server_url", N_("API address (leave empty)"), kind="url"),
)


def karrio_carrier(spec: KarrioSpec) -> type[KarrioCarrier]:
    """The carrier class for one row of the table."""
    metadata = CarrierMetadata(
        slug=spec.slug,
        label=spec.label,
        capabilities=frozenset({"track"}),
        homepage=spec.site,
        site=spec.site,
        phone=spec.phone,
        tracking_url=spec.tracking_url,
        aliases=spec.aliases,
        fields=(*spec.fields, *COMMON_FIELDS),
        countries=spec.countries,
        batch_size=spec.batch_size,
        rate_limit=spec.rate_limit,
    )
    check = spec.recognise

    def recognise(cls: type[KarrioCarrier], number: str) -> float:
        return check(number)

    recognise.__doc__ = check.__doc__
    body: dict[str, Any] = {
        "__doc__": spec.doc,
        "__module__": __name__,
        "__qualname__": spec.class_name,
        "metadata": metadata,
        "karrio_name": spec.karrio_name,
        "credentials": tuple(f.name for f in spec.fields if f.required),
        "optional": (*(f.name for f in spec.fields if not f.required), *spec.unlisted),
        "recognise": classmethod(recognise),
        "stamped": spec.stamped,
    }
    return type(spec.class_name, (KarrioCarrier,), body)


# --- the table ---------------------------------------------------------------------------

DHL_TRACKING = "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"

SPECS: tuple[KarrioSpec, ...] = (
    KarrioSpec(
        "dhl_express",
        "dhl_express",
        "DhlExpressCarrier",
        "DHL Express (XML-PI tracking) with the merchant's site id and password.",
        "DHL Express",
        "https://www.dhl.com",
        DHL_TRACKING,
        (
            plain("site_id", N_("Site ID")),
            secret("password", N_("Password")),
            plain("account_number", N_("Account number"), required=False),
        ),
        dhl_express_number,
        aliases=("DHL Express Worldwide",),
        batch_size=10,
        rate_limit=2.0,
    ),
    KarrioSpec(
        "dhl",
        "dhl_universal",
        "DhlUniversalCarrier",
        "Every DHL division (Parcel, eCommerce, Express) through DHL's Shipment Tracking API.",
        "DHL",
        "https://www.dhl.com",
        DHL_TRACKING,
        (secret("consumer_key", N_("API key")), secret("consumer_secret", N_("API secret"))),
        dhl_number,
        aliases=("DHL Parcel", "DHL Paket", "DHL eCommerce", "Deutsche Post"),
        countries=("DE",),
        batch_size=10,
        rate_limit=1.0,
    ),
    KarrioSpec(
        "ups",
        "ups",
        "UpsCarrier",
        "UPS through its OAuth Track API with the merchant's app client id and secret.",
        "UPS",
        "https://www.ups.com",
        "https://www.ups.com/track?tracknum={number}",
        (
            secret("client_id", N_("Client ID")),
            secret("client_secret", N_("Client secret")),
            plain("account_number", N_("Account number"), required=False),
        ),
        ups_number,
        aliases=("United Parcel Service",),
        countries=("US",),
        batch_size=10,
        rate_limit=5.0,
    ),
    KarrioSpec(
        "fedex",
        "fedex",
        "FedexCarrier",
        "FedEx through its Track API with the merchant's tracking API key and secret.",
        "FedEx",
        "https://www.fedex.com",
        "https://www.fedex.com/fedextrack/?trknbr={number}",
        (
            secret("track_api_key", N_("Track API key")),
            secret("track_secret_key", N_("Track API secret")),
            plain("account_number", N_("Account number"), required=False),
        ),
        fedex_number,
        aliases=("Federal Express", "FedEx Express", "FedEx Ground"),
        countries=("US",),
        batch_size=30,
        rate_limit=5.0,
    ),
    KarrioSpec(
        "usps",
        "usps",
        "UspsCarrier",
        "USPS through its OAuth APIs with the merchant's client id and secret.",
        "USPS",
        "https://www.usps.com",
        "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
        (secret("client_id", N_("Consumer key")), secret("client_secret", N_("Consumer secret"))),
        usps_number,
        phone="+18002758777",
        aliases=("United States Postal Service", "US Postal Service", "U.S. Mail"),
        countries=("US",),
        batch_size=10,
        rate_limit=1.0,
    ),
    KarrioSpec(
        "dpd",
        "dpd",
        "DpdCarrier",
        "DPD (Germany's DPD web services) with the merchant's DELIS id and password.",
        "DPD",
        "https://www.dpd.com",
        "https://tracking.dpd.de/status/en_US/parcel/{number}",
        (plain("delis_id", N_("DELIS ID")), secret("password", N_("Password"))),
        dpd_number,
        unlisted=("depot",),
        aliases=("DPD Germany", "DPD Group"),
        countries=("DE",),
        batch_size=1,
        rate_limit=1.0,
    ),
    KarrioSpec(
        "gls",
        "gls",
        "GlsCarrier",
        "GLS Group with the merchant's API client id and secret.",
        "GLS",
        "https://gls-group.com",
        "https://gls-group.com/track/{number}",
        (secret("client_id", N_("Client ID")), secret("client_secret", N_("Client secret"))),
        gls_number,
        aliases=("GLS Group", "General Logistics Systems"),
        batch_size=1,
        rate_limit=1.0,
    ),
    KarrioSpec(
        "canadapost",
        "canadapost",
        "CanadaPostCarrier",
        "Canada Post with the merchant's API username and password.",
        "Canada Post",
        "https://www.canadapost-postescanada.ca",
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}",
        (
            plain("username", N_("API username")),
            secret("password", N_("API password")),
            plain("customer_number", N_("Customer number"), required=False),
        ),
        canadapost_number,
        phone="+18662076678",
        aliases=("Postes Canada", "Canada Post / Postes Canada"),
        countries=("CA",),
        batch_size=1,
        rate_limit=1.0,
    ),
    KarrioSpec(
        "australiapost",
        "australiapost",
        "AustraliaPostCarrier",
        "Australia Post with the merchant's API key, password and account number.",
        "Australia Post",
        "https://auspost.com.au",
        "https://auspost.com.au/mypost/track/#/details/{number}",
        (
            secret("api_key", N_("API key")),
            secret("password", N_("API password")),
            plain("account_number", N_("Account number")),
        ),
        australiapost_number,
        phone="+61131318",
        stamped=True,
        aliases=("AusPost", "Australia Post (AusPost)"),
        countries=("AU",),
        batch_size=10,
        rate_limit=1.0,
    ),
)

BY_SLUG: dict[str, type[KarrioCarrier]] = {spec.slug: karrio_carrier(spec) for spec in SPECS}

# The names the `wismo.carriers` entry points (pyproject.toml) and agencies import.
DhlExpressCarrier = BY_SLUG["dhl_express"]
DhlUniversalCarrier = BY_SLUG["dhl"]
UpsCarrier = BY_SLUG["ups"]
FedexCarrier = BY_SLUG["fedex"]
UspsCarrier = BY_SLUG["usps"]
DpdCarrier = BY_SLUG["dpd"]
GlsCarrier = BY_SLUG["gls"]
CanadaPostCarrier = BY_SLUG["canadapost"]
AustraliaPostCarrier = BY_SLUG["australiapost"]
