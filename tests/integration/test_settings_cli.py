"""`wismo settings` and `wismo shops add`: settings written from the command line are checked."""

from __future__ import annotations

import json

from click.testing import CliRunner

from core.shop_settings import json_schema
from wismo.cli import main


def _shop(runner: CliRunner) -> str:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        main, ["shops", "add", "--platform", "api", "--name", "Kettles", "--json"]
    )
    assert added.exit_code == 0, added.output
    return json.loads(added.output)["shop_key"]


def test_settings_set_stores_a_valid_value_and_refuses_a_bad_one(tmp_path, monkeypatch):
    monkeypatch.setenv("WISMO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    key = _shop(runner)
    policy = {"debounce_seconds": 60, "quiet_hours": ["22:00", "07:00"]}
    saved = runner.invoke(main, ["settings", "set", "--shop", key, "policy", json.dumps(policy)])
    assert saved.exit_code == 0, saved.output
    refused = runner.invoke(
        main, ["settings", "set", "--shop", key, "policy", '{"debounce_seconds": -5}']
    )
    assert refused.exit_code == 2
    assert "policy.debounce_seconds" in refused.output
    not_json = runner.invoke(main, ["settings", "set", "--shop", key, "tracking", "{opens"])
    assert not_json.exit_code == 2 and "not JSON" in not_json.output
    shown = json.loads(runner.invoke(main, ["settings", "show", "--shop", key]).output)
    assert shown == {"locale": "en", "timezone": "UTC", "policy": policy}


def test_shops_add_refuses_an_unknown_time_zone_naming_the_option(tmp_path, monkeypatch):
    monkeypatch.setenv("WISMO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(
        main, ["shops", "add", "--platform", "api", "--name", "X", "--timezone", "Mars/Olympus"]
    )
    assert result.exit_code == 2 and "--timezone" in result.output
    assert "time zone" in result.output
    listed = runner.invoke(main, ["shops", "list", "--json"])
    assert json.loads(listed.output) == []


def test_settings_schema_prints_the_schema():
    result = CliRunner().invoke(main, ["settings", "schema"])
    assert result.exit_code == 0 and json.loads(result.output) == json_schema()
