"""Ukrposhta, Meest, 17TRACK and the karrio carriers load through `wismo.carriers` and fit it."""

from __future__ import annotations

import pytest

from core.carriers.base import Carrier, CarrierContext, CarrierMetadata, ReceivesPushes
from core.plugins import CARRIERS, clear_plugin_cache, load_plugins

OURS = {
    "ukrposhta": {"bearer": "b"},
    "meest": {"username": "u", "password": "p"},
    "seventeentrack": {"api_key": "k"},
    "dhl_express": {"site_id": "s", "password": "p"},
    "dhl": {"consumer_key": "k", "consumer_secret": "s"},
    "ups": {"client_id": "i", "client_secret": "s"},
    "fedex": {"track_api_key": "k", "track_secret_key": "s"},
    "usps": {"client_id": "i", "client_secret": "s"},
    "dpd": {"delis_id": "d", "password": "p"},
    "gls": {"client_id": "i", "client_secret": "s"},
    "canadapost": {"username": "u", "password": "p"},
    "australiapost": {"api_key": "k", "password": "p", "account_number": "a"},
}


@pytest.fixture(scope="module")
def carriers():
    clear_plugin_cache(CARRIERS)
    plugins = load_plugins(CARRIERS)
    yield plugins
    clear_plugin_cache(CARRIERS)


@pytest.mark.parametrize("slug", sorted(OURS))
def test_each_carrier_loads_by_its_entry_point_and_fits_the_protocol(carriers, slug):
    assert slug not in carriers.failed, carriers.failed.get(slug)
    cls = carriers.loaded[slug]
    meta = cls.metadata
    assert isinstance(meta, CarrierMetadata)
    assert (meta.slug, meta.kind) == (slug, "carrier")
    assert meta.batch_size >= 1 and meta.rate_limit > 0
    assert "{number}" in meta.tracking_url
    assert all(f.name for f in meta.fields)
    carrier = cls.from_config(OURS[slug], CarrierContext(timeout=1))
    assert isinstance(carrier, Carrier)
    assert isinstance(carrier, ReceivesPushes) is meta.pushes


@pytest.mark.parametrize("slug", sorted(OURS))
def test_a_carrier_without_its_required_settings_says_which_is_missing(carriers, slug):
    from core.errors import ConfigError

    cls = carriers.loaded[slug]
    required = [f.name for f in cls.metadata.fields if f.required]
    assert required, "every carrier needs the merchant's credentials"
    incomplete = {k: v for k, v in OURS[slug].items() if k != required[-1]}
    with pytest.raises(ConfigError, match=required[-1]):
        cls.from_config(incomplete, CarrierContext())


@pytest.mark.parametrize(("given", "test_mode"), [("on", True), ("true", True), ("", False)])
def test_a_karrio_carriers_test_mode_comes_from_a_form_checkbox_too(given, test_mode):
    from core.carriers.karrio_bridge import UpsCarrier

    config = {"client_id": "i", "client_secret": "s", "test_mode": given}
    assert UpsCarrier.from_config(config, CarrierContext()).settings["test_mode"] is test_mode
