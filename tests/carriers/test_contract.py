"""Every installed carrier fits the Carrier protocol (an outside package's too)."""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.carriers.base import Carrier, CarrierContext, CarrierMetadata, ReceivesPushes
from core.plugins import CARRIERS, load_plugins

PLUGINS = load_plugins(CARRIERS)


def test_the_built_in_carriers_register_as_any_package_would():
    assert PLUGINS.failed == {}
    assert {"novaposhta", "demo"} <= set(PLUGINS.loaded)


@pytest.mark.parametrize("slug", sorted(PLUGINS.loaded))
def test_each_carrier_fits_the_protocol(slug):
    cls = PLUGINS.loaded[slug]
    meta = cls.metadata
    assert isinstance(meta, CarrierMetadata) and meta.slug == slug and meta.kind == "carrier"
    assert meta.batch_size >= 1 and meta.rate_limit > 0
    assert "{number}" in meta.tracking_url
    for name in ("from_config", "recognise", "tracking_link"):
        assert isinstance(inspect.getattr_static(cls, name), classmethod), name
    assert list(inspect.signature(cls.track).parameters) == ["self", "parcels"]
    if meta.pushes:
        assert all(callable(getattr(cls, m, None)) for m in ("verify_push", "parse_push"))
    config = {f.name: "60" if f.kind == "number" else "x" for f in meta.fields if f.required}
    built = cls.from_config(config, CarrierContext())
    assert isinstance(built, Carrier)
    assert isinstance(built, ReceivesPushes) or not meta.pushes


@pytest.mark.parametrize("slug", sorted(PLUGINS.loaded))
@given(number=st.text(max_size=40))
def test_recognise_is_a_likelihood_for_any_text(slug, number):
    score = PLUGINS.loaded[slug].recognise(number)
    assert isinstance(score, float) and 0.0 <= score <= 1.0


@given(number=st.from_regex(r"(20|59)\d{12}", fullmatch=True))
def test_every_nova_poshta_series_number_is_recognised(number):
    assert PLUGINS.loaded["novaposhta"].recognise(number) >= 0.9


@given(number=st.text(alphabet=st.characters(blacklist_categories=["Nd"]), min_size=1))
def test_text_without_digits_is_nobodys_waybill(number):
    assert PLUGINS.loaded["novaposhta"].recognise(number) == 0.0
