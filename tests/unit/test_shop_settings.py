"""The typed shop settings: defaults, lenient reads, strict writes, the documented schema."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InvalidSettings
from core.services.shops import policy_of, store_url, update_settings
from core.shop_settings import (
    SCHEMA_START,
    Branding,
    CarrierConfig,
    ProviderConfig,
    ShopSettings,
    parse_settings,
    settings_of,
    validated,
    with_schema,
)
from core.storage.models import Shop

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_an_empty_or_missing_document_reads_as_the_defaults() -> None:
    for raw in (None, {}, "not a document"):
        conf = parse_settings(raw)
        assert conf == ShopSettings()
        assert conf.locale == "en" and conf.timezone == "UTC"
        assert conf.policy.quiet_hours == ("21:00", "08:00")
        assert conf.policy.debounce_seconds == 120
        assert conf.analytics.contact_rate == 0.25 and conf.sms_cap.warn_at == 0.8
        assert conf.carriers == [] and conf.providers("email") == []
        assert conf.stored() == {}


def test_the_documented_example_parses_into_typed_sections() -> None:
    conf = parse_settings(
        {
            "locale": "uk",
            "timezone": "Europe/Kyiv",
            "policy": {"matrix": {"in_transit": {"email": True}}, "debounce_seconds": 30},
            "branding": {"brand_color": "#0f766e", "support_email": "help@shop.example"},
            "channels": {"email": [{"provider": "smtp", "from_address": "o@shop.example"}]},
            "carriers": [{"carrier": "nova_poshta", "api_key_hint": "…1234"}],
            "sms_cap": {"segments": 500},
        }
    )
    assert conf.locale == "uk" and conf.policy.matrix == {"in_transit": {"email": True}}
    assert conf.branding == Branding(brand_color="#0f766e", support_email="help@shop.example")
    smtp = ProviderConfig(provider="smtp", from_address="o@shop.example")
    assert conf.providers("email") == [smtp]
    assert conf.providers("email")[0].config() == {
        "provider": "smtp",
        "from_address": "o@shop.example",
    }
    assert conf.carriers == [CarrierConfig(carrier="nova_poshta", api_key_hint="…1234")]
    assert conf.sms_cap.segments == 500


def test_the_parsed_settings_are_frozen() -> None:
    conf = parse_settings({"locale": "ru"})
    with pytest.raises(ValueError):
        conf.locale = "uk"  # type: ignore[misc]
    with pytest.raises(ValueError):
        conf.policy.debounce_seconds = 1  # type: ignore[misc]


def test_unknown_keys_are_kept_at_every_level() -> None:
    raw = {
        "my_crm": {"pipeline": 7},
        "branding": {"mascot": "kettle"},
        "channels": {"push": [{"provider": "their_push", "app_id": "A1"}]},
    }
    conf = parse_settings(raw)
    assert conf.extra("my_crm") == {"pipeline": 7} and conf.extra("nothing") is None
    assert conf.platform("my_crm") == {"pipeline": 7}
    assert conf.stored() == raw


def test_a_bad_stored_value_falls_back_to_its_default_and_is_logged_once(caplog) -> None:
    raw = {
        "policy": {"quiet_hours": ["25:00", "08:00"], "debounce_seconds": "30"},
        "branding": {"brand_color": "red", "support_email": "help@shop.example"},
        "channels": {"email": [{"url": "smtp://x"}, {"provider": "smtp"}]},
        "sms_cap": {"segments": "500"},  # a cap must be a number, as before
        "timezone": "Mars/Olympus",
    }
    with caplog.at_level(logging.WARNING, logger="core.shop_settings"):
        conf = parse_settings(raw, owner="lenient-shop")
        parse_settings(raw, owner="lenient-shop")
    assert conf.policy.quiet_hours == ("21:00", "08:00")  # the whole pair, not half of it
    assert conf.policy.debounce_seconds == 30  # read leniently, as int("30") did
    assert conf.branding.brand_color is None
    assert conf.branding.support_email == "help@shop.example"  # its neighbour is kept
    assert conf.providers("email") == [ProviderConfig(provider="smtp")]
    assert conf.sms_cap.segments is None and conf.timezone == "UTC"
    warned = [r.getMessage() for r in caplog.records if "lenient-shop" in r.getMessage()]
    assert len(warned) == 5, warned
    assert any("branding.brand_color" in w for w in warned)
    assert raw["branding"]["brand_color"] == "red"  # the stored document is not touched


def test_a_stored_policy_reads_as_before() -> None:
    shop = Shop(
        key="k1",
        settings={
            "timezone": "Europe/Kyiv",
            "policy": {"matrix": {"shipped": {"sms": 1}}, "quiet_hours": ["22:00", "07:30"]},
            "failover": {"shipped": ["sms", "email"], "bad": "sms"},
        },
    )
    policy = policy_of(shop)
    assert policy.matrix["shipped"]["sms"] is True and policy.matrix["shipped"]["email"] is True
    assert (policy.quiet_start.hour, policy.quiet_end.minute) == (22, 30)
    assert policy.timezone == "Europe/Kyiv" and policy.failover == {"shipped": ("sms", "email")}


def test_settings_are_parsed_once_per_stored_document() -> None:
    shop = Shop(key="k2", settings={"locale": "uk"})
    first = settings_of(shop)
    assert settings_of(shop) is first
    shop.settings = {"locale": "ru"}
    assert settings_of(shop).locale == "ru"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"policy": {"debounce_seconds": -1}}, "policy.debounce_seconds"),
        ({"policy": {"debounce_seconds": "120"}}, "policy.debounce_seconds"),  # strict on write
        ({"policy": {"quiet_hours": ["21:00"]}}, "policy.quiet_hours.1"),
        ({"policy": {"quiet_hours": ["9pm", "08:00"]}}, "policy.quiet_hours.0"),
        ({"policy": {"matrix": {"shipped": {"sms": "yes"}}}}, "policy.matrix.shipped.sms"),
        ({"branding": {"brand_color": "teal"}}, "branding.brand_color"),
        ({"branding": {"logo_url": "javascript:alert(1)"}}, "branding.logo_url"),
        ({"branding": {"support_email": "nobody"}}, "branding.support_email"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"locale": "de"}, "locale"),
        ({"channels": {"email": [{"from_address": "a@b.example"}]}}, "channels.email.0.provider"),
        ({"carriers": [{"carrier": "Nova Poshta"}]}, "carriers.0.carrier"),
        ({"tracking": {"opens": "on"}}, "tracking.opens"),
        ({"analytics": {"contact_rate": 2}}, "analytics.contact_rate"),
        ({"woocommerce": {"completed": "arrived"}}, "woocommerce.completed"),
        ({"templates": {"en/sms/shipped.txt.j2": 5}}, "templates.en/sms/shipped.txt.j2"),
        ({"policy": "strict"}, "policy"),
    ],
)
def test_an_invalid_write_is_refused_naming_the_field(changes: dict, field: str) -> None:
    with pytest.raises(InvalidSettings) as refused:
        validated({"locale": "en"}, changes)
    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}: ") and refused.value.reason


def test_a_refused_update_leaves_the_shop_as_it_was() -> None:
    shop = Shop(key="k3", settings={"locale": "uk", "branding": {"brand_color": "#123"}})
    with pytest.raises(InvalidSettings, match="branding.brand_color"):
        update_settings(shop, branding={"brand_color": "blue"})
    assert shop.settings == {"locale": "uk", "branding": {"brand_color": "#123"}}
    update_settings(shop, branding={"brand_color": "#0f766e"}, my_plugin={"x": 1})
    assert shop.settings == {
        "locale": "uk",
        "branding": {"brand_color": "#0f766e"},
        "my_plugin": {"x": 1},
    }


def test_an_old_bad_value_does_not_block_writing_another_key() -> None:
    shop = Shop(key="k4", settings={"timezone": "Atlantis/Capital", "policy": {"matrix": 3}})
    update_settings(shop, tracking={"opens": True, "clicks": False})
    assert shop.settings["tracking"] == {"opens": True, "clicks": False}
    assert settings_of(shop).tracking.opens and settings_of(shop).timezone == "UTC"


def test_a_value_json_cannot_hold_is_refused() -> None:
    with pytest.raises(InvalidSettings, match="JSON"):
        validated({}, {"my_plugin": {1, 2}})


def test_store_url_reads_branding_then_the_shop_then_its_platform_section() -> None:
    shop = Shop(key="k5", platform="woocommerce", domain="wp.example", settings={})
    assert store_url(shop) == "https://wp.example"
    shop.settings = {"woocommerce": {"store_url": "http://wp.example/store"}}
    assert store_url(shop) == "http://wp.example/store"
    shop.settings = {**shop.settings, "branding": {"store_url": "https://shop.example"}}
    assert store_url(shop) == "https://shop.example"


def test_the_schema_in_the_docs_is_the_one_the_code_generates() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert with_schema(doc) == doc, "docs/configuration.md is stale: run scripts/settings-schema"
    assert '"title": "ShopSettings"' in doc and '"carriers"' in doc


def test_the_schema_check_notices_a_stale_doc() -> None:
    head, marker, block = DOC.read_text(encoding="utf-8").partition(SCHEMA_START)
    stale = head + marker + block.replace('"debounce_seconds"', '"debounce"')
    assert with_schema(stale) != stale


# --- round trip ----------------------------------------------------------------------------

_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
_slugs = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)
_clock = st.times().map(lambda t: t.strftime("%H:%M"))
_plain = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=8))


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    """Valid settings documents, with a random subset of keys and unknown extras."""
    doc: dict[str, Any] = {}
    maybe = {
        "locale": st.sampled_from(["en", "uk", "ru", "uk-UA", "en_GB"]),
        "timezone": st.sampled_from(["UTC", "Europe/Kyiv", "America/New_York"]),
        "country": st.sampled_from(["UA", "PL"]),
        "policy": st.fixed_dictionaries(
            {},
            optional={
                "matrix": st.dictionaries(_words, st.dictionaries(_words, st.booleans())),
                "quiet_hours": st.tuples(_clock, _clock).map(list),
                "debounce_seconds": st.integers(0, 86_400),
            },
        ),
        "branding": st.fixed_dictionaries(
            {},
            optional={
                "brand_color": st.from_regex(r"#[0-9a-f]{6}", fullmatch=True),
                "logo_url": _words.map(lambda w: f"https://cdn.example/{w}.png"),
                "support_email": _words.map(lambda w: f"{w}@shop.example"),
                "support_phone": st.text(max_size=12),
                "faq": st.lists(st.fixed_dictionaries({"q": st.text(), "a": st.text()})),
                "refund_days": st.one_of(st.text(max_size=5), st.integers(1, 30)),
            },
        ),
        "channels": st.dictionaries(
            _words,
            st.lists(
                st.fixed_dictionaries({"provider": _words}, optional={"url": st.text()}),
                max_size=3,
            ),
            max_size=3,
        ),
        "carriers": st.lists(
            st.fixed_dictionaries({"carrier": _slugs}, optional={"key": _plain}), max_size=3
        ),
        "failover": st.dictionaries(_words, st.lists(_words, max_size=3)),
        "sms_cap": st.fixed_dictionaries(
            {},
            optional={
                "segments": st.integers(0, 10_000),
                "warn_at": st.floats(0.01, 1, allow_nan=False),
            },
        ),
        "tracking": st.fixed_dictionaries({}, optional={"opens": st.booleans()}),
        "templates": st.dictionaries(_words, st.text()),
        "status_map": st.dictionaries(_words, st.sampled_from(["", "shipped", "delivered"])),
        "extra_plugin": st.dictionaries(_words, _plain, max_size=3),
    }
    for key, strategy in maybe.items():
        if draw(st.booleans()):
            doc[key] = draw(strategy)
    return doc


@settings(max_examples=100, deadline=None)
@given(documents())
def test_parse_of_dump_is_the_same_settings(doc: dict[str, Any]) -> None:
    conf = parse_settings(doc)
    assert parse_settings(conf.stored()) == conf
    assert parse_settings(conf.model_dump(mode="json")) == conf
    assert conf.stored() == doc  # a valid document is kept exactly as given
    assert validated({}, conf.stored()) == doc  # and a strict write accepts it again
