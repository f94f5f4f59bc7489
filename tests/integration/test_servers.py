"""The server fixtures of tests/support/servers.py do what the rest of the suite relies on."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable

import pytest
import redis
import sqlalchemy as sa

from tests.support.servers import TEST_REDIS_DB, RedisProcess, free_port, stop_process_groups

pytestmark = pytest.mark.integration


def test_free_port_is_bindable() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_redis_answers_ping(redis_client: redis.Redis) -> None:
    assert redis_client.ping() is True


def test_redis_uses_the_dedicated_database(redis_client: redis.Redis, redis_url: str) -> None:
    # never database 0 (it is flushed before each test); 15 unless WISMO_TEST_REDIS_URL says
    expected = redis.connection.parse_url(redis_url).get("db") or 0
    assert expected != 0
    if not os.environ.get("WISMO_TEST_REDIS_URL"):
        assert expected == TEST_REDIS_DB
    assert redis_client.connection_pool.connection_kwargs["db"] == expected


# The two tests below each write a key into an empty database: whichever runs second proves
# that redis_client flushed the first one's data.
@pytest.mark.parametrize("run", ["first", "second"])
def test_redis_client_starts_empty(redis_client: redis.Redis, run: str) -> None:
    assert redis_client.dbsize() == 0
    redis_client.set(f"wismo:test:{run}", "1")
    assert redis_client.dbsize() == 1


def test_redis_process_stop_and_start_loses_data(
    redis_process: Callable[[], RedisProcess],
) -> None:
    server = redis_process()
    client = redis.Redis.from_url(server.url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.set("order:1", "shipped")
        assert client.get("order:1") == b"shipped"

        server.stop()
        assert not server.running
        with pytest.raises(redis.ConnectionError):
            client.ping()

        url = server.url
        server.start()
        assert server.url == url  # same port again
        assert client.ping() is True  # the same client reconnects
        assert client.get("order:1") is None  # nothing is kept on disk
    finally:
        client.close()


def test_redis_process_is_private(
    redis_process: Callable[[], RedisProcess], redis_url: str
) -> None:
    first, second = redis_process(), redis_process()
    assert len({first.url, second.url, redis_url}) == 3
    with first.client() as a, second.client() as b:
        a.set("k", "first")
        assert b.get("k") is None
    first.kill()
    assert not first.running
    with second.client() as b:
        assert b.ping() is True


# database_url runs every test twice: on SQLite and on PostgreSQL (skipped unless
# WISMO_TEST_POSTGRES_URL is set). Each run must see an empty database of its own.
@pytest.mark.parametrize("run", ["first", "second"])
def test_database_url_is_fresh_and_writable(database_url: str, run: str) -> None:
    engine = sa.create_engine(database_url)
    try:
        assert sa.inspect(engine).get_table_names() == []
        meta = sa.MetaData()
        probe = sa.Table(
            "probe",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("run", sa.String(10)),
        )
        meta.create_all(engine)
        with engine.begin() as conn:
            conn.execute(probe.insert().values(run=run))
        with engine.connect() as conn:
            assert conn.execute(sa.select(probe.c.run)).scalars().all() == [run]
        assert sa.inspect(engine).get_table_names() == ["probe"]
    finally:
        engine.dispose()


_schemas_used: list[str] = []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgres_schema_is_isolated(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
            assert schema.startswith("t_")
            _schemas_used.append(schema)
            conn.execute(sa.text("CREATE TABLE isolated (id integer)"))
            where = (
                conn.execute(
                    sa.text(
                        "SELECT table_schema FROM information_schema.tables "
                        "WHERE table_name = 'isolated'"
                    )
                )
                .scalars()
                .all()
            )
            assert where == [schema]  # not public, not another test's schema
    finally:
        engine.dispose()


def test_postgres_schema_is_dropped_afterwards(postgres_url: str | None) -> None:
    if postgres_url is None or not _schemas_used:
        pytest.skip("needs WISMO_TEST_POSTGRES_URL and test_postgres_schema_is_isolated before it")
    engine = sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            left = (
                conn.execute(
                    sa.text(
                        "SELECT schema_name FROM information_schema.schemata "
                        "WHERE schema_name = ANY(:names)"
                    ),
                    {"names": _schemas_used},
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert left == []


STUBBORN = """
import os, signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # like a worker finishing a slow job
if os.fork() == 0:  # a grandchild in the same group, like rq's scheduler process
    time.sleep(60)
    sys.exit(0)
print("ready", flush=True)
time.sleep(60)
"""


def test_stopping_process_groups_reaps_a_child_that_outlives_its_grace() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", STUBBORN], stdout=subprocess.PIPE, start_new_session=True
    )
    quick = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    assert proc.stdout is not None
    with proc.stdout:
        assert proc.stdout.readline() == b"ready\n"
        stop_process_groups([proc, quick], timeout=0.5)
    assert proc.returncode is not None and quick.returncode is not None  # both reaped
    assert not _group_alive(proc.pid, within=5.0)  # its grandchild was killed too
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del proc, quick
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def _group_alive(pgid: int, within: float) -> bool:
    """Whether the process group still exists after `within` seconds (init reaps orphans)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.05)
    return True
