"""`wismo check` and the production processes' refusal to start, against real servers:
SQLite and PostgreSQL before and after their migrations, Redis, an aiosmtpd SMTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from core.storage.migrations import upgrade
from tests.conftest import TEST_SECRET
from tests.support.servers import free_port
from wismo.cli import main

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def good_env(database_url: str, redis_url: str, smtp_url: str) -> dict[str, str | None]:
    """An environment `wismo check` finds nothing wrong with."""
    return {
        "WISMO_DATABASE_URL": database_url,
        "WISMO_REDIS_URL": redis_url,
        "WISMO_SECRET_KEY": TEST_SECRET,
        "WISMO_PUBLIC_URL": "https://wismo.example.com",
        "WISMO_SMTP_URL": smtp_url + "?from=orders@example.com",
    }


def check(env: dict[str, str | None], *args: str) -> tuple[int, dict]:
    """Run `wismo check --json`; its exit code and report."""
    result = CliRunner().invoke(main, ["check", "--json", "--timeout", "3", *args], env=env)
    return result.exit_code, json.loads(result.output)


def by_name(report: dict) -> dict[str, dict]:
    return {c["name"]: c for c in report["checks"]}


def test_everything_in_place_passes(database_url, redis_client, redis_url, smtp_server):
    upgrade(database_url)
    code, report = check(good_env(database_url, redis_url, smtp_server.url))
    assert code == 0 and report["ok"] is True and report["problems"] == 0
    checks = by_name(report)
    assert set(checks) == {"database", "redis", "secret_key", "public_url", "smtp", "smtp_server"}
    assert all(c["ok"] for c in checks.values())
    assert "migrated" in checks["database"]["detail"]


def test_every_problem_is_reported_at_once_in_words(tmp_path, smtp_server):
    db = tmp_path / "empty.db"
    create_engine(f"sqlite:///{db}").connect().close()  # a file with no schema in it
    env = {
        "WISMO_DATABASE_URL": f"sqlite:///{db}",
        "WISMO_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "WISMO_SECRET_KEY": None,
        "WISMO_PUBLIC_URL": "http://wismo.example.com",
        "WISMO_SMTP_URL": smtp_server.url,  # no from address
    }
    code, report = check(env)
    assert code == 1 and report["ok"] is False and report["problems"] == 5
    checks = by_name(report)
    problems = {name for name, c in checks.items() if not c["ok"]}
    assert problems == {"database", "redis", "secret_key", "public_url", "smtp"}
    assert "no schema yet" in checks["database"]["detail"]
    assert "wismo db upgrade" in checks["database"]["fix"]
    assert "cannot reach Redis" in checks["redis"]["detail"]
    assert checks["smtp"]["variable"] == "WISMO_SMTP_URL" and "from=" in checks["smtp"]["fix"]
    assert "https" in checks["public_url"]["detail"]
    assert checks["secret_key"]["variable"] == "WISMO_SECRET_KEY"
    human = CliRunner().invoke(main, ["check", "--timeout", "3"], env=env)
    assert human.exit_code == 1
    lines = human.output.splitlines()
    assert sum(line.startswith("PROBLEM") for line in lines) == 5
    assert lines[-1] == "5 problem(s) found."
    assert "fix: WISMO_SMTP_URL=smtp://" in human.output


def test_the_database_must_exist_and_be_migrated_to_head(
    database_url, redis_client, redis_url, smtp_server
):
    env = good_env(database_url, redis_url, smtp_server.url)
    if database_url.startswith("sqlite"):
        code, report = check(env)  # the file is not there yet, and check does not create it
        assert code == 1 and "does not exist" in by_name(report)["database"]["detail"]
        assert not Path(database_url.removeprefix("sqlite:///")).exists()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()
    code, report = check(env)
    assert code == 1 and "no schema yet" in by_name(report)["database"]["detail"]
    upgrade(database_url, "0001")
    code, report = check(env)
    database = by_name(report)["database"]
    assert code == 1 and "at revision 0001, behind" in database["detail"]
    assert report["problems"] == 1  # the rest is fine
    upgrade(database_url)
    code, report = check(env)
    assert code == 0 and by_name(report)["database"]["ok"]


def test_an_unreachable_database_is_a_problem(redis_client, redis_url, smtp_server):
    url = f"postgresql+psycopg://wismo:secret@127.0.0.1:{free_port()}/wismo"
    code, report = check(good_env(url, redis_url, smtp_server.url))
    database = by_name(report)["database"]
    assert code == 1 and database["detail"].startswith("cannot reach postgresql+psycopg://")
    assert "secret" not in database["detail"]  # the password is not printed
    assert database["variable"] == "WISMO_DATABASE_URL"


def test_the_smtp_server_must_answer_and_take_the_login(tmp_path, smtp_server):
    upgrade(f"sqlite:///{tmp_path / 'ok.db'}")
    env = good_env(f"sqlite:///{tmp_path / 'ok.db'}", "", smtp_server.url)
    env["WISMO_REDIS_URL"] = None
    smtp_server.users["wismo"] = "right-password"
    host = smtp_server.url.removeprefix("smtp://")
    env["WISMO_SMTP_URL"] = f"smtp://wismo:wrong-password@{host}?from=orders@example.com"
    code, report = check(env)
    server = by_name(report)["smtp_server"]
    assert code == 1 and "535" in server["detail"] and "wrong-password" not in server["detail"]
    env["WISMO_SMTP_URL"] = f"smtp://wismo:right-password@{host}?from=orders@example.com"
    code, report = check(env)
    assert code == 0, report
    env["WISMO_SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}?from=orders@example.com"
    code, report = check(env)
    assert code == 1 and "cannot be used" in by_name(report)["smtp_server"]["detail"]
    assert by_name(report)["redis"]["ok"]  # unset Redis is fine: jobs run in-process


@pytest.mark.parametrize(
    "args", [["serve", "--bind", "127.0.0.1:0"], ["worker", "--burst"], ["scheduler", "--once"]]
)
def test_production_processes_refuse_an_smtp_url_without_a_from_address(
    args, tmp_path, redis_client, redis_url, smtp_server
):
    database_url = f"sqlite:///{tmp_path / 'wismo.db'}"
    upgrade(database_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WISMO_")}
    env.update(good_env(database_url, redis_url, smtp_server.url))
    env["WISMO_SMTP_URL"] = smtp_server.url  # no ?from=
    # before the check, serve and worker ran on until killed here, sending dead letters
    done = subprocess.run(
        [sys.executable, "-m", "wismo.cli", *args],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert f"wismo {args[0]} cannot start" in done.stderr
    assert "WISMO_SMTP_URL has no from address" in done.stderr
    assert "for example: WISMO_SMTP_URL=smtp://" in done.stderr and "from=" in done.stderr


def test_production_processes_refuse_the_default_secret_and_a_plain_http_url(tmp_path):
    env = {
        "WISMO_DATABASE_URL": f"sqlite:///{tmp_path / 'wismo.db'}",
        "WISMO_PUBLIC_URL": "http://wismo.example.com",
        "WISMO_SECRET_KEY": None,
        "WISMO_SMTP_URL": None,
        "WISMO_REDIS_URL": None,
    }
    result = CliRunner().invoke(main, ["scheduler", "--once"], env=env)
    assert result.exit_code == 1
    assert "WISMO_SECRET_KEY is not set" in result.output
    assert "WISMO_PUBLIC_URL=http://wismo.example.com is not an https:// address" in result.output
    assert "WISMO_SMTP_URL" not in result.output  # unset SMTP is not a problem


def test_a_plain_http_url_on_this_machine_is_allowed_for_trying_wismo_beside_a_local_shop():
    from core.services.checks import config_problems
    from core.settings import Settings

    key = "a-real-secret-key-for-this-test-only-0123456789"
    for url, ok in [
        ("http://127.0.0.1:5342", True),  # (5000 is the default: "not set")
        ("http://localhost:5000", True),
        ("http://[::1]:5000", True),
        ("http://10.0.0.5:5000", False),
        ("http://wismo.example.com", False),
        ("https://wismo.example.com", True),
    ]:
        problems = {c.name for c in config_problems(Settings(public_url=url, secret_key=key))}
        assert ("public_url" not in problems) is ok, url
