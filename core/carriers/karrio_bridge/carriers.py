"""One Wismo carrier per karrio extension that implements tracking.

Each names its karrio gateway, the credentials karrio's settings need (the merchant's,
per shop), its public tracking page and how its numbers look.
"""

from __future__ import annotations

from typing import ClassVar

from core.carriers import numbers
from core.carriers.base import CarrierMetadata
from core.carriers.karrio_bridge.api import KarrioCarrier, _fields, _meta
from core.i18n import N_
from core.plugins import ConfigField


def _secret(name: str, label: str) -> ConfigField:
    return ConfigField(name, label, secret=True, required=True)


def _plain(name: str, label: str, required: bool = True) -> ConfigField:
    return ConfigField(name, label, required=required)


class DhlExpressCarrier(KarrioCarrier):
    """DHL Express (XML-PI tracking) with the merchant's site id and password."""

    karrio_name = "dhl_express"
    credentials = ("site_id", "password")
    optional = ("account_number",)
    metadata: ClassVar[CarrierMetadata] = _meta(
        "dhl_express",
        "DHL Express",
        "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
        "https://www.dhl.com",
        "",
        aliases=("DHL Express Worldwide",),
        fields=_fields(
            _plain("site_id", N_("Site ID")),
            _secret("password", N_("Password")),
            _plain("account_number", N_("Account number"), required=False),
        ),
        batch_size=10,
        rate_limit=2.0,
    )

    @classmethod
    def recognise(cls, number: str) -> float:
        """10-digit waybills with DHL's mod-7 check digit."""
        return 0.8 if numbers.is_dhl_express(number) else 0.0


class DhlUniversalCarrier(KarrioCarrier):
    """Every DHL division (Parcel, eCommerce, Express) through DHL's Shipment Tracking API."""

    karrio_name = "dhl_universal"
    credentials = ("consumer_key", "consumer_secret")
    metadata: ClassVar[CarrierMetadata] = _meta(
        "dhl",
        "DHL",
        "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
        "https://www.dhl.com",
        "",
        aliases=("DHL Parcel", "DHL Paket", "DHL eCommerce", "Deutsche Post"),
        fields=_fields(
            _secret("consumer_key", N_("API key")), _secret("consumer_secret", N_("API secret"))
        ),
        countries=("DE",),
        batch_size=10,
        rate_limit=1.0,
    )

    @classmethod
    def recognise(cls, number: str) -> float:
        """JJD parcel numbers, German S10 mail, and (less surely) Express waybills."""
        value = numbers.clean(number)
        if value.startswith("JJD") and value[3:].isdigit() and len(value) >= 13:
            return 0.9
        if numbers.s10_country(value) == "DE":
            return 0.6
        return 0.5 if numbers.is_dhl_express(value) else 0.0


class UpsCarrier(KarrioCarrier):
    """UPS through its OAuth Track API with the merchant's app client id and secret."""

    karrio_name = "ups"
    credentials = ("client_id", "client_secret")
    optional = ("account_number",)
    metadata: ClassVar[CarrierMetadata] = _meta(
        "ups",
        "UPS",
        "https://www.ups.com/track?tracknum={number}",
        "https://www.ups.com",
        "",
        aliases=("United Parcel Service",),
        fields=_fields(
            _secret("client_id", N_("Client ID")),
            _secret("client_secret", N_("Client secret")),
            _plain("account_number", N_("Account number"), required=False),
        ),
        countries=("US",),
        batch_size=10,
        rate_limit=5.0,
    )

    @classmethod
    def recognise(cls, number: str) -> float:
        """`1Z` numbers whose check digit is right."""
        return 1.0 if numbers.is_ups(number) else 0.0


class FedexCarrier(KarrioCarrier):
    """FedEx through its Track API with the merchant's tracking API key and secret."""

    karrio_name = "fedex"
    credentials = ("track_api_key", "track_secret_key")
    optional = ("account_number",)
    metadata: ClassVar[CarrierMetadata] = _meta(
        "fedex",
        "FedEx",
        "https://www.fedex.com/fedextrack/?trknbr={number}",
        "https://www.fedex.com",
        "",
        aliases=("Federal Express", "FedEx Express", "FedEx Ground"),
        fields=_fields(
            _secret("track_api_key", N_("Track API key")),
            _secret("track_secret_key", N_("Track API secret")),
            _plain("account_number", N_("Account number"), required=False),
        ),
        countries=("US",),
        batch_size=30,
        rate_limit=5.0,
    )

    @classmethod
    def recognise(cls, number: str) -> float:
        """12- and 15-digit numbers (no public check digit): a hint only."""
        return 0.4 if numbers.is_digits(number, 12, 15) else 0.0


class UspsCarrier(KarrioCarrier):
    """USPS through its OAuth APIs with the merchant's client id and secret."""

    karrio_name = "usps"
    credentials = ("client_id", "client_secret")
    metadata: ClassVar[CarrierMetadata] = _meta(
        "usps",
        "USPS",
        "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
        "https://www.usps.com",
        "+18002758777",
        aliases=("United States Postal Service", "US Postal Service", "U.S. Mail"),
        fields=_fields(
            _secret("client_id", N_("Consumer key")),
            _secret("client_secret", N_("Consumer secret")),
        ),
        countries=("US",),
        batch_size=10,
        rate_limit=1.0,
    )

    @classmethod
    def recognise(cls, number: str) -> float:
        """IMpb barcodes with a right mod-10 check digit, and US S10 mail."""
        if numbers.is_usps_impb(number):
            return 0.9 if numbers.clean(number).startswith("9") else 0.6
        return 0.9 if numbers.s10_country(number) == "US" else 0.0


class DpdCarrier(KarrioCarrier):
    """DPD (Germany's DPD web services) with the merchant's DELIS id and password."""

    karrio_name = "dpd"
    credentials = ("delis_id", "password")
    optional = ("depot",)
    metadata: ClassVar[CarrierMetadata] = _meta(
        "dpd",
        "DPD",
        "https://tracking.dpd.de/status/en_US/parcel/{number}",
        "https://www.dpd.com",
        "",
        aliases=("DPD Germany", "DPD Group"),
        fields=_fields(_plain("delis_id", N_("DELIS ID")), _secret("password", N_("Password"))),
        countries=("DE",),
        batch_size=1,
        rate_limit=1.0,
    )

    @classmethod
    def recognise(cls, number: str) -> float:
        """14-digit parcel numbers starting with 0 (a 15th check character may follow)."""
        value = numbers.clean(number)
        if numbers.is_digits(value[:14], 14) and len(value) <= 15 and value.startswith("0"):
            return 0.4 if len(value) == 14 or value[14].isalnum() else 0.0
        return 0.0


class GlsCarrier(KarrioCarrier):
    """GLS Group with the merchant's API client id and secret."""

    karrio_name = "gls"
    credentials = ("client_id", "client_secret")
    metadata: ClassVar[CarrierMetadata] = _meta(
        "gls",
        "GLS",
        "https://gls-group.com/track/{number}",
        "https://gls-group.com",
        "",
        aliases=("GLS Group", "General Logistics Systems"),
        fields=_fields(
            _secret("client_id", N_("Client ID")), _secret("client_secret", N_("Client secret"))
        ),
        batch_size=1,
        rate_limit=1.0,
    )

    @classmethod
    def recognise(cls, number: str) -> float:
        """11- and 12-digit parcel numbers: a hint only."""
        return 0.3 if numbers.is_digits(number, 11, 12) else 0.0


class CanadaPostCarrier(KarrioCarrier):
    """Canada Post with the merchant's API username and password."""

    karrio_name = "canadapost"
    credentials = ("username", "password")
    optional = ("customer_number",)
    metadata: ClassVar[CarrierMetadata] = _meta(
        "canadapost",
        "Canada Post",
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}",
        "https://www.canadapost-postescanada.ca",
        "+18662076678",
        aliases=("Postes Canada", "Canada Post / Postes Canada"),
        fields=_fields(
            _plain("username", N_("API username")),
            _secret("password", N_("API password")),
            _plain("customer_number", N_("Customer number"), required=False),
        ),
        countries=("CA",),
        batch_size=1,
        rate_limit=1.0,
    )

    @classmethod
    def recognise(cls, number: str) -> float:
        """Canadian S10 mail, and 16-digit domestic parcel numbers (a hint)."""
        if numbers.s10_country(number) == "CA":
            return 0.9
        return 0.4 if numbers.is_digits(number, 16) else 0.0


class AustraliaPostCarrier(KarrioCarrier):
    """Australia Post with the merchant's API key, password and account number."""

    karrio_name = "australiapost"
    credentials = ("api_key", "password", "account_number")
    metadata: ClassVar[CarrierMetadata] = _meta(
        "australiapost",
        "Australia Post",
        "https://auspost.com.au/mypost/track/#/details/{number}",
        "https://auspost.com.au",
        "+61131318",
        aliases=("AusPost", "Australia Post (AusPost)"),
        fields=_fields(
            _secret("api_key", N_("API key")),
            _secret("password", N_("API password")),
            _plain("account_number", N_("Account number")),
        ),
        countries=("AU",),
        batch_size=10,
        rate_limit=1.0,
    )

    @classmethod
    def recognise(cls, number: str) -> float:
        """Australian S10 mail."""
        return 0.9 if numbers.s10_country(number) == "AU" else 0.0
