"""The contract every Wismo plug-in keeps, as pytest tests (`pytest --wismo-contract`).

Parametrised over the entry points (`wismo.adapters`, `wismo.channels`, `wismo.carriers`) of
the distribution under test; each check takes its inputs from the package's
`wismo_contract_vectors` fixture (see wismo/testing/vectors.py) and derives the bad cases
itself. Wismo's own suite runs the same module over the built-in plug-ins.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from importlib.metadata import EntryPoint
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.plugins import ADAPTERS, CARRIERS, CHANNELS, ChannelMetadata
from core.rendering import SUPPORTED_LOCALES, Renderer, sample_facts
from wismo.sdk import (
    Carrier,
    CarrierContext,
    ChannelContext,
    ConfigError,
    ConfigField,
    InboundRequest,
    InvalidSignature,
    PluginMetadata,
    Status,
)
from wismo.sdk.testing import adapter_problems, channel_problems, installed
from wismo.testing.pytest_plugin import contract_entry_points
from wismo.testing.vectors import AdapterVectors, CarrierVectors, ChannelVectors

pytestmark = pytest.mark.wismo_contract

KINDS = {ADAPTERS: "adapter", CHANNELS: "channel", CARRIERS: "carrier"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One case per plug-in of the distribution under test, by entry point name."""
    found = contract_entry_points(metafunc.config)
    for argname, group in (
        ("adapter_slug", ADAPTERS),
        ("channel_slug", CHANNELS),
        ("carrier_slug", CARRIERS),
    ):
        if argname in metafunc.fixturenames:
            metafunc.parametrize(argname, sorted(found.get(group, {})))


def _load(config: pytest.Config, group: str, slug: str) -> Any:
    entry: EntryPoint = contract_entry_points(config)[group][slug]
    try:
        return entry.load()
    except Exception as exc:  # the contract's first clause: the entry point imports
        pytest.fail(f"entry point {group}:{slug} = {entry.value} does not load: {exc!r}")


def _vectors(vectors: Mapping[str, Any], slug: str, kind: type) -> Any:
    given = vectors.get(slug)
    if not isinstance(given, kind):
        pytest.fail(
            f"no {kind.__name__} for {slug!r}: return them from the `wismo_contract_vectors` "
            "fixture in the conftest.py at your package's root (see docs/extending.md)"
        )
    return given


@pytest.fixture
def adapter_cls(request: pytest.FixtureRequest, adapter_slug: str) -> Any:
    return _load(request.config, ADAPTERS, adapter_slug)


@pytest.fixture
def channel_cls(request: pytest.FixtureRequest, channel_slug: str) -> Any:
    return _load(request.config, CHANNELS, channel_slug)


@pytest.fixture
def carrier_cls(request: pytest.FixtureRequest, carrier_slug: str) -> Any:
    return _load(request.config, CARRIERS, carrier_slug)


@pytest.fixture
def adapter_vectors(wismo_contract_vectors: Mapping[str, Any], adapter_slug: str) -> Any:
    return _vectors(wismo_contract_vectors, adapter_slug, AdapterVectors)


@pytest.fixture
def channel_vectors(wismo_contract_vectors: Mapping[str, Any], channel_slug: str) -> Any:
    return _vectors(wismo_contract_vectors, channel_slug, ChannelVectors)


@pytest.fixture
def carrier_vectors(wismo_contract_vectors: Mapping[str, Any], carrier_slug: str) -> Any:
    return _vectors(wismo_contract_vectors, carrier_slug, CarrierVectors)


# ---------------------------------------------------------------- shared clauses


def is_class(obj: Any) -> bool:
    """Whether the entry point names a class (not narrowed, so the checks read its members)."""
    return inspect.isclass(obj)


def check_metadata(cls: Any, slug: str, kind: str) -> None:
    """The plug-in's card is there and complete: the registry and the admin read only it."""
    metadata = getattr(cls, "metadata", None)
    assert isinstance(metadata, PluginMetadata), f"{slug}: `metadata` must be a PluginMetadata"
    assert metadata.slug == slug, f"metadata.slug {metadata.slug!r} must equal the entry point"
    assert metadata.kind == kind, f"metadata.kind {metadata.kind!r} must be {kind!r}"
    assert isinstance(metadata.label, str) and metadata.label.strip(), "metadata.label is empty"
    assert isinstance(metadata.capabilities, frozenset)
    assert all(isinstance(c, str) and c for c in metadata.capabilities)
    names = [f.name for f in metadata.fields]
    assert len(names) == len(set(names)), f"field names repeat: {names}"
    for f in metadata.fields:
        assert isinstance(f, ConfigField), f"{f!r} is not a ConfigField"
        assert f.name.strip() and f.label.strip(), f"field {f.name!r} needs a name and a label"
        assert f.kind != "select" or f.choices, f"select field {f.name!r} has no choices"


def required_fields(cls: Any) -> list[ConfigField]:
    """The fields the plug-in cannot work without."""
    return [f for f in cls.metadata.fields if f.required]


def without(mapping: Mapping[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != name}


@contextmanager
def config_error_naming(name: str) -> Iterator[None]:
    """The block must raise ConfigError, and its message must name the field."""
    with pytest.raises(ConfigError) as caught:
        yield
    assert name in str(caught.value), f"the ConfigError must name {name!r}: {caught.value}"


# ---------------------------------------------------------------- adapters


def test_adapter_fits_the_protocol(adapter_cls: Any, adapter_slug: str) -> None:
    assert is_class(adapter_cls), f"{adapter_slug} must point at a class"
    assert adapter_problems(adapter_cls, adapter_slug) == []
    adapter = adapter_cls()
    assert list(inspect.signature(adapter.verify).parameters) == ["request", "secrets"]
    assert list(inspect.signature(adapter.parse).parameters) == ["request", "shop_settings"]


def test_adapter_metadata_is_complete(adapter_cls: Any, adapter_slug: str) -> None:
    check_metadata(adapter_cls, adapter_slug, "adapter")


def _signed(vectors: AdapterVectors) -> InboundRequest:
    if vectors.signature == "none":
        pytest.skip("authenticated before the adapter is called (signature='none')")
    return vectors.sign(vectors.body)


def test_authentic_webhook_is_accepted(adapter_cls: Any, adapter_vectors: AdapterVectors) -> None:
    adapter_cls().verify(_signed(adapter_vectors), adapter_vectors.secrets)


def test_tampered_body_is_refused(adapter_cls: Any, adapter_vectors: AdapterVectors) -> None:
    good = _signed(adapter_vectors)
    body = good.body
    assert body, "the vector body is empty"
    for tampered in (body[:-1] + bytes([body[-1] ^ 1]), body + b" ", b"{}"):
        with pytest.raises(InvalidSignature):
            adapter_cls().verify(replace(good, body=tampered), adapter_vectors.secrets)


def _emptied(request: InboundRequest, vectors: AdapterVectors) -> Iterator[InboundRequest]:
    headers = {k.lower() for k in vectors.signature_headers}
    params = set(vectors.signature_params)
    assert headers or params, "name the signature's headers or query parameters in the vectors"
    kept_headers = {k: v for k, v in request.headers.items() if k.lower() not in headers}
    kept_query = {k: v for k, v in request.query.items() if k not in params}
    yield replace(request, headers=kept_headers, query=kept_query)  # absent
    yield replace(
        request,
        headers={**kept_headers, **{k: "" for k in vectors.signature_headers}},
        query={**kept_query, **{k: "" for k in vectors.signature_params}},
    )  # present and empty


def test_missing_or_empty_signature_is_refused(
    adapter_cls: Any, adapter_vectors: AdapterVectors
) -> None:
    for request in _emptied(_signed(adapter_vectors), adapter_vectors):
        with pytest.raises(InvalidSignature):
            adapter_cls().verify(request, adapter_vectors.secrets)


def test_forged_signature_is_refused(adapter_cls: Any, adapter_vectors: AdapterVectors) -> None:
    _signed(adapter_vectors)
    assert adapter_vectors.forge is not None, "give `forge`: the body signed with another key"
    with pytest.raises(InvalidSignature):
        adapter_cls().verify(adapter_vectors.forge(adapter_vectors.body), adapter_vectors.secrets)


def compare_digest_calls(call: Callable[[], object]) -> int:
    """How many times `call` reached `hmac.compare_digest` (any depth, any library)."""
    calls = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "c_call" and getattr(arg, "__name__", "") in (
            "compare_digest",
            "_compare_digest",
        ):
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        call()
    except InvalidSignature:
        pass
    finally:
        sys.setprofile(previous)
    return calls


def test_signature_is_compared_in_constant_time(
    adapter_cls: Any, adapter_vectors: AdapterVectors
) -> None:
    good = _signed(adapter_vectors)
    if adapter_vectors.signature == "public-key":
        pytest.skip("a public-key signature: no shared secret is compared")
    adapter = adapter_cls()
    secrets = adapter_vectors.secrets
    assert compare_digest_calls(lambda: adapter.verify(good, secrets)), (
        "an authentic signature must be checked with hmac.compare_digest"
    )
    assert adapter_vectors.forge is not None, "give `forge`: the body signed with another key"
    forged = adapter_vectors.forge(adapter_vectors.body)
    assert compare_digest_calls(lambda: adapter.verify(forged, secrets)), (
        "a forged signature must be refused by hmac.compare_digest, not by ==, "
        "so the time taken says nothing about the right one"
    )


def test_same_webhook_twice_gives_the_same_event_keys(
    adapter_cls: Any, adapter_vectors: AdapterVectors
) -> None:
    adapter, v = adapter_cls(), adapter_vectors
    first = adapter.parse(v.sign(v.body), v.settings)
    again = adapter_cls().parse(v.sign(v.body), v.settings)
    assert first, "the vector webhook must carry at least one event"
    keys = [e.event_key for e in first]
    assert all(isinstance(k, str) and k for k in keys), f"empty event keys: {keys}"
    assert len(keys) == len(set(keys)), f"one delivery repeats a key: {keys}"
    assert [e.event_key for e in again] == keys, "a redelivery must repeat the event keys"


def test_every_platform_status_maps_or_is_ignored(
    adapter_cls: Any, adapter_vectors: AdapterVectors
) -> None:
    v = adapter_vectors
    if not v.statuses:
        pytest.skip("the adapter takes canonical statuses (the vectors list no platform ones)")
    missing = [s for s in v.statuses if s not in v.status_table]
    assert not missing, (
        f"platform statuses neither mapped nor ignored: {missing} (give each a Status, "
        "or None for deliberately no message, in the adapter's status table)"
    )
    assert v.body_for_status is not None, "give `body_for_status` with `statuses`"
    disagree = {}
    for status in v.statuses:
        expected = v.status_table[status]
        assert expected is None or isinstance(expected, Status), f"{status}: {expected!r}"
        events = adapter_cls().parse(v.sign(v.body_for_status(status)), v.settings)
        got = {e.status for e in events}
        # a mapped status must come out (an adapter may add the milestones before it)
        if (expected is None and got - {None}) or (expected is not None and expected not in got):
            disagree[status] = (expected, sorted(str(g) for g in got))
    assert not disagree, f"the adapter does not do what its status table says: {disagree}"


def test_missing_required_setting_is_a_config_error_naming_it(
    adapter_cls: Any, adapter_vectors: AdapterVectors
) -> None:
    v = adapter_vectors
    fields = required_fields(adapter_cls)
    if not fields:
        pytest.skip("the adapter declares no required field")
    for f in fields:
        adapter = adapter_cls()
        if f.secret:
            assert f.name in v.secrets, f"the vectors' secrets must hold {f.name!r}"
            secrets = without(v.secrets, f.name)
            with config_error_naming(f.name):
                adapter.verify(v.sign(v.body), secrets)
        else:
            assert f.name in v.settings, f"the vectors' settings must hold {f.name!r}"
            settings = without(v.settings, f.name)
            with config_error_naming(f.name):
                adapter.parse(v.sign(v.body), settings)


# ---------------------------------------------------------------- channels


def test_channel_fits_the_protocol(channel_cls: Any, channel_slug: str) -> None:
    assert is_class(channel_cls), f"{channel_slug} must point at a class"
    assert channel_problems(channel_cls, channel_slug) == []


def test_channel_metadata_is_complete(channel_cls: Any, channel_slug: str) -> None:
    check_metadata(channel_cls, channel_slug, "channel")


def test_channel_builds_from_a_complete_config(
    channel_cls: Any, channel_vectors: ChannelVectors
) -> None:
    context = channel_vectors.context or ChannelContext()
    channel = channel_cls.from_config(dict(channel_vectors.config), context)
    assert callable(channel.send)


def test_channel_missing_required_field_is_a_config_error_naming_it(
    channel_cls: Any, channel_vectors: ChannelVectors
) -> None:
    fields = required_fields(channel_cls)
    if not fields:
        pytest.skip("the channel declares no required field")
    for f in fields:
        assert f.name in channel_vectors.config, f"the vectors' config must hold {f.name!r}"
        config = without(channel_vectors.config, f.name)
        context = channel_vectors.context or ChannelContext()
        with config_error_naming(f.name):
            channel_cls.from_config(config, context)


def test_channel_kinds_it_defines_have_a_message_for_every_status(
    channel_cls: Any, channel_slug: str
) -> None:
    meta = getattr(channel_cls, "metadata", None)
    defined = (
        [k for k in meta.defines if k.template_dir] if isinstance(meta, ChannelMetadata) else []
    )
    if not defined:
        pytest.skip("the channel brings no templates of a message kind of its own")
    for kind in defined:
        assert kind.template_dir is not None
        missing = [
            f"{locale}/{kind.templates}/{status.value}.txt.j2"
            for locale in SUPPORTED_LOCALES
            for status in Status
            if not (
                kind.template_dir / locale / kind.templates / f"{status.value}.txt.j2"
            ).is_file()
        ]
        assert missing == [], f"kind {kind.name!r} has no template for {missing}"
        with installed("channel", channel_slug, channel_cls):
            for locale in SUPPORTED_LOCALES:
                for status in Status:
                    text = Renderer().render(
                        kind.name, status, locale, sample_facts(status, locale)
                    )
                    assert text.text.strip(), f"{locale}/{kind.templates}/{status.value} is empty"


# ---------------------------------------------------------------- carriers


def test_carrier_fits_the_protocol(carrier_cls: Any, carrier_slug: str) -> None:
    assert is_class(carrier_cls), f"{carrier_slug} must point at a class"
    assert isinstance(carrier_cls, Carrier)
    for name in ("from_config", "recognise", "tracking_link"):
        assert isinstance(inspect.getattr_static(carrier_cls, name), classmethod), name
    assert list(inspect.signature(carrier_cls.from_config).parameters) == ["config", "context"]
    assert list(inspect.signature(carrier_cls.track).parameters) == ["self", "parcels"]


def test_carrier_metadata_is_complete(carrier_cls: Any, carrier_slug: str) -> None:
    check_metadata(carrier_cls, carrier_slug, "carrier")
    metadata = carrier_cls.metadata
    assert metadata.batch_size >= 1 and metadata.rate_limit > 0
    assert metadata.polls or metadata.pushes, "a carrier polls, or pushes, or both"


def test_carrier_builds_from_a_complete_config(
    carrier_cls: Any, carrier_vectors: CarrierVectors
) -> None:
    carrier = carrier_cls.from_config(dict(carrier_vectors.config), CarrierContext())
    assert callable(carrier.track)


def test_carrier_missing_required_field_is_a_config_error_naming_it(
    carrier_cls: Any, carrier_vectors: CarrierVectors
) -> None:
    fields = required_fields(carrier_cls)
    if not fields:
        pytest.skip("the carrier declares no required field")
    for f in fields:
        assert f.name in carrier_vectors.config, f"the vectors' config must hold {f.name!r}"
        config = without(carrier_vectors.config, f.name)
        with config_error_naming(f.name):
            carrier_cls.from_config(config, CarrierContext())


def test_carrier_recognise_never_raises(carrier_cls: Any) -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(st.text(), st.from_regex(r"[0-9A-Z ]{0,40}", fullmatch=True)))
    def recognise(number: str) -> None:
        likelihood = carrier_cls.recognise(number)
        assert isinstance(likelihood, float | int) and 0 <= likelihood <= 1, likelihood
        link = carrier_cls.tracking_link(number)
        assert link is None or isinstance(link, str)

    recognise()


def test_carrier_status_table_covers_every_code(carrier_vectors: CarrierVectors) -> None:
    table = carrier_vectors.table
    assert carrier_vectors.codes, "list every status code the carrier documents"
    missing = [code for code in carrier_vectors.codes if code not in table]
    assert not missing, f"codes missing from the status table: {missing}"
    for code, entry in table.items():
        status = getattr(entry, "status", entry)
        assert status is None or isinstance(status, Status), f"{code}: {entry!r}"
