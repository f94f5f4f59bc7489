"""The command line and the migrations, as an operator uses them."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import create_engine

from core.domain.states import MessageState
from core.storage.migrations import alembic_config, current, upgrade
from core.storage.models import Base
from wismo.cli import main


def test_migrations_build_exactly_the_models(database_url):
    upgrade(database_url)
    assert current(database_url) is not None
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_db_upgrade_then_shops_add_and_list(tmp_path, monkeypatch):
    monkeypatch.setenv("WISMO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("WISMO_PUBLIC_URL", "https://wismo.example")
    runner = CliRunner()
    up = runner.invoke(main, ["db", "upgrade"])
    # the newest migration's id, whatever branch added it
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert up.exit_code == 0 and f"revision {head}" in up.output
    added = runner.invoke(
        main,
        [
            "shops",
            "add",
            "--platform",
            "woocommerce",
            "--name",
            "Kettles",
            "--domain",
            "kettles.example",
            "--json",
        ],
    )
    assert added.exit_code == 0, added.output
    shop = json.loads(added.output)
    assert shop["api_key"].startswith("wsk_") and shop["shop_key"]
    assert shop["webhook_url"] == f"https://wismo.example/webhooks/woocommerce/{shop['shop_key']}"
    listed = runner.invoke(main, ["shops", "list", "--json"])
    (row,) = json.loads(listed.output)
    assert row["shop_key"] == shop["shop_key"] and shop["api_key"] not in listed.output


def test_shops_add_rejects_an_unknown_platform(tmp_path, monkeypatch):
    monkeypatch.setenv("WISMO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    result = CliRunner().invoke(main, ["shops", "add", "--platform", "magento", "--name", "X"])
    assert result.exit_code == 2 and "magento" in result.output


def test_worker_explains_that_it_needs_redis(monkeypatch):
    monkeypatch.delenv("WISMO_REDIS_URL", raising=False)
    result = CliRunner().invoke(main, ["worker"])
    assert result.exit_code == 1 and "WISMO_REDIS_URL" in result.output


def test_serve_refuses_the_development_secret(monkeypatch):
    monkeypatch.delenv("WISMO_SECRET_KEY", raising=False)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1 and "WISMO_SECRET_KEY" in result.output


def test_simulate_walks_orders_through_the_pipeline(tmp_path, monkeypatch):
    from sqlalchemy import func, select

    from core.bootstrap import bootstrap
    from core.settings import Settings
    from core.storage.models import Notification, Order, OrderEvent
    from wismo.simulator import run_simulation

    url = f"sqlite:///{tmp_path / 'sim.db'}"
    upgrade(url)
    c = bootstrap(Settings(database_url=url, inline_jobs=True))
    try:
        events = run_simulation(c, orders=10, pace=0)
        with c.session() as s:
            statuses = dict(s.execute(select(Order.number, Order.status)).all())
            sent = s.scalar(select(func.count()).where(Notification.state == MessageState.SENT))
            from_the_future = s.scalar(
                select(func.count()).where(OrderEvent.claimed_at.is_not(None))
            )
    finally:
        c.engine.dispose()
    assert events > 50 and len(statuses) == 10
    assert {"delivered", "refunded", "picking"} <= set(statuses.values())
    assert sent and sent > 30
    assert from_the_future == 0  # the journeys lie in the past, so none was clamped
