"""shopify.app.toml and the theme app extension are complete and consistent with the code."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from adapters.shopify import statuses, webhooks
from adapters.shopify.api import API_VERSION
from adapters.shopify.auth import SCOPES
from adapters.shopify.compliance import TOPICS as HANDLED_HERE
from adapters.shopify.proxy import PREFIXES as PROXY_PREFIXES

ROOT = Path(__file__).parents[3] / "adapters" / "shopify"
EXTENSION = ROOT / "extensions" / "wismo-order-status"


def config() -> dict:
    return tomllib.loads((ROOT / "shopify.app.toml").read_text())


def test_app_toml_declares_scopes_webhooks_compliance_proxy_and_embedded():
    c = config()
    assert c["embedded"] is True
    assert set(c["access_scopes"]["scopes"].split(",")) == set(SCOPES.split(","))
    assert re.fullmatch(r"20\d\d-(01|04|07|10)", c["webhooks"]["api_version"])
    assert c["webhooks"]["api_version"] == API_VERSION
    subs = c["webhooks"]["subscriptions"]
    topics = {t for s in subs for t in s.get("topics", [])}
    compliance = {t for s in subs for t in s.get("compliance_topics", [])}
    assert compliance == {"customers/data_request", "customers/redact", "shop/redact"}
    assert {
        "orders/create",
        "fulfillments/create",
        "fulfillment_events/create",
        "refunds/create",
        "app/uninstalled",
    } <= topics
    assert all(s["uri"].endswith("/webhooks/shopify") for s in subs)
    assert c["app_proxy"] == {
        "url": "https://wismo.example.com/shopify/proxy",
        "subpath": "wismo",
        "prefix": "apps",
    }
    assert c["auth"]["redirect_urls"] == ["https://wismo.example.com/shopify/callback"]


def test_every_mapped_return_topic_is_subscribed_and_no_obsolete_keys_remain():
    c = config()
    topics = {t for s in c["webhooks"]["subscriptions"] for t in s.get("topics", [])}
    assert {t for t, status in statuses.RETURN_TOPIC.items() if status} <= topics
    assert "build" not in c  # include_config_on_deploy: obsolete, the CLI deletes it


def test_every_subscribed_topic_is_understood():
    subs = config()["webhooks"]["subscriptions"]
    for topic in {t for s in subs for t in s.get("topics", []) + s.get("compliance_topics", [])}:
        understood = (
            topic in HANDLED_HERE
            or topic.startswith(("orders/", "fulfillments/"))
            or topic in ("fulfillment_events/create", "refunds/create")
            or topic in statuses.RETURN_TOPIC
        )
        assert understood, topic
    assert webhooks.COMPLIANCE_TOPICS <= HANDLED_HERE


def test_theme_blocks_have_schemas_with_title_and_colours_and_load_the_widget():
    for name, template in (("order-status", "customers/order"), ("tracking-page", "page")):
        source = (EXTENSION / "blocks" / f"{name}.liquid").read_text()
        schema = json.loads(source.split("{% schema %}")[1].split("{% endschema %}")[0])
        ids = {s["id"]: s["type"] for s in schema["settings"] if "id" in s}
        assert ids["title"] == "text"
        assert {"accent", "text_color", "background"} <= {k for k, v in ids.items() if v == "color"}
        assert schema["enabled_on"]["templates"] == [template]
        assert 'class="wismo-widget"' in source and "data-locale=" in source
        # the proxy path is built from the block's settings, never written in
        assert "'/apps/wismo" not in source and '"/apps/wismo' not in source
        assert "proxy | append: '/widget-config" in source
        assert {"proxy_prefix", "proxy_subpath"} <= set(ids)
        prefixes = next(s for s in schema["settings"] if s.get("id") == "proxy_prefix")
        assert {f"/{o['value']}/" for o in prefixes["options"]} == set(PROXY_PREFIXES)
        # the asset comes through the schema (Shopify loads it once), not a script tag
        assert schema["javascript"] == "wismo-block.js" and "<script" not in source
        # merchant settings written into an attribute are escaped
        assert re.findall(r"\{\{ block\.settings\.\w+ \}\}", source) == []
    script = (EXTENSION / "assets" / "wismo-block.js").read_text()
    assert "data-token" in script and "data-shop" in script and "widget_url" in script


def test_the_delivery_date_block_sits_on_product_and_cart_pages_in_promise_mode():
    source = (EXTENSION / "blocks" / "delivery-promise.liquid").read_text()
    schema = json.loads(source.split("{% schema %}")[1].split("{% endschema %}")[0])
    assert schema["enabled_on"]["templates"] == ["product", "cart"]
    assert schema["javascript"] == "wismo-block.js" and "<script" not in source
    assert 'data-mode="promise"' in source and "proxy | append: '/widget-config" in source
    assert re.findall(r"\{\{ block\.settings\.\w+ \}\}", source) == []


def test_locales_en_ru_uk_have_the_same_keys_and_cover_the_blocks():
    def keys(d, prefix=""):
        out = set()
        for k, v in d.items():
            out |= keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
        return out

    files = {p.name: json.loads(p.read_text()) for p in (EXTENSION / "locales").glob("*.json")}
    assert set(files) == {"en.default.json", "ru.json", "uk.json"}
    en = keys(files["en.default.json"])
    assert keys(files["ru.json"]) == en == keys(files["uk.json"])
    used = set()
    for block in (EXTENSION / "blocks").glob("*.liquid"):
        used |= set(re.findall(r"'(wismo\.[a-z_.]+)' \| t", block.read_text()))
    assert used and used <= en


def test_every_third_party_import_of_the_app_and_its_tests_is_declared():
    """httpx (imported by api.py) and PyJWT (by the tests) were only there transitively."""
    import ast
    import sys
    from importlib.metadata import packages_distributions

    def name(requirement: str) -> str:
        return re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()

    project = tomllib.loads((ROOT.parents[1] / "pyproject.toml").read_text())
    runtime = {name(r) for r in project["project"]["dependencies"]}
    extras = project["project"]["optional-dependencies"]
    test = runtime | {name(r) for r in extras["test"] + extras["postgres"]}
    providers = packages_distributions()
    ours = {"adapters", "core", "webapp", "wismo", "tests"}

    def imported(folder: Path) -> set[str]:
        names = set()
        for path in folder.glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
        return {n for n in names if n not in ours and n not in sys.stdlib_module_names}

    def undeclared(folder: Path, declared: set[str]) -> set[str]:
        return {
            name
            for name in imported(folder)
            if not {d.lower() for d in providers.get(name, [name])} & declared
        }

    assert undeclared(ROOT, runtime) == set()
    assert undeclared(ROOT.parents[1] / "tests" / "adapters" / "shopify", test) == set()
