"""Real Redis and database servers for the tests (a pytest plugin, see tests/conftest.py).

Fixtures:

- ``redis_url`` (session): ``WISMO_TEST_REDIS_URL`` (default redis://127.0.0.1:6379/15) when it
  answers PING, otherwise a private ``redis-server`` started on a free port for the session
  (binary from ``WISMO_TEST_REDIS_SERVER`` or PATH). ``make test`` / ``scripts/test`` set both.
- ``redis_client``: a ``redis.Redis`` on ``redis_url``, its database flushed before each test.
  Tests use a dedicated database number (15), so a developer's data in db 0 is never touched.
- ``redis_process``: a factory; ``redis_process()`` starts a private redis-server and returns a
  :class:`RedisProcess` with ``.url``, ``.stop()`` and ``.start()`` (same port again), for fault
  tests that take Redis away while events arrive. Every process is stopped after the test.
- ``postgres_url`` (session): ``WISMO_TEST_POSTGRES_URL`` or None.
- ``database_url``: parametrised over ``sqlite`` and ``postgresql``; a fresh, empty database per
  test: a SQLite file in ``tmp_path``, or a PostgreSQL schema of its own (``search_path`` set
  through the URL) that is dropped afterwards. The postgresql case is skipped without
  ``WISMO_TEST_POSTGRES_URL``.

Helpers: :func:`free_port`, :func:`redis_answers`, :func:`redis_server_binary`,
:func:`stop_process_groups` (every child process a test starts is reaped through it).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
TEST_REDIS_DB = 15
RUN_MAKE_TEST = "Run the suite with `make test` (or scripts/test), which provides a Redis."


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def stop_process_groups(procs: list[subprocess.Popen[Any]], timeout: float = 10.0) -> None:
    """SIGTERM each process's group (started with ``start_new_session``), SIGKILL what is
    left after ``timeout`` seconds, and reap every process, so none outlives its test."""
    for proc in procs:
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in procs:
        try:
            proc.wait(max(deadline - time.monotonic(), 0.01))
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()  # SIGKILL cannot be refused: an unreaped child warns at teardown


def _signal_group(proc: subprocess.Popen[Any], sig: signal.Signals) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:  # the group is gone; the process itself is waited for anyway
        pass


def redis_answers(url: str, timeout: float = 1.0) -> bool:
    """True when a Redis at ``url`` answers PING."""
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False
    finally:
        client.close()


def redis_server_binary() -> str | None:
    """The redis-server to start: ``WISMO_TEST_REDIS_SERVER`` or the one on PATH."""
    configured = os.environ.get("WISMO_TEST_REDIS_SERVER")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("redis-server")


class RedisProcess:
    """A private redis-server on 127.0.0.1 that keeps nothing on disk.

    ``stop()`` loses every key (no persistence); ``start()`` brings it back on the same port,
    so clients holding ``url`` reconnect to an empty Redis.
    """

    def __init__(
        self, binary: str, workdir: Path, port: int | None = None, db: int = TEST_REDIS_DB
    ) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = port or free_port()
        self.db = db
        self.logfile = workdir / f"redis-{self.port}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{self.db}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 10.0) -> RedisProcess:
        if self.running:
            return self
        self._proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
                "--logfile",
                str(self.logfile),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            if redis_answers(self.url, timeout=0.5):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server on port {self.port} did not start:\n{self.log_tail()}")

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds; waits for the process to exit."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        else:
            proc.wait()

    def kill(self) -> None:
        """SIGKILL at once: Redis dies without a chance to shut down cleanly."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        self.stop()

    def client(self, **kwargs: Any) -> redis.Redis:
        return redis.Redis.from_url(self.url, **kwargs)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __repr__(self) -> str:
        return f"<RedisProcess {self.url} {'running' if self.running else 'stopped'}>"


def _redis_db(url: str) -> int:
    return redis.connection.parse_url(url).get("db", 0) or 0


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("WISMO_TEST_REDIS_URL") or DEFAULT_REDIS_URL
    if redis_answers(url):
        if _redis_db(url) == 0:
            pytest.fail(
                f"WISMO_TEST_REDIS_URL={url} points at database 0; the tests flush their "
                f"database, so give them a dedicated one, e.g. .../{TEST_REDIS_DB}."
            )
        yield url
        return
    binary = redis_server_binary()
    if binary is None:
        pytest.fail(f"No Redis answers at {url} and no redis-server is installed. {RUN_MAKE_TEST}")
    with tempfile.TemporaryDirectory(prefix="wismo-redis-") as workdir:
        server = RedisProcess(binary, Path(workdir))
        try:
            server.start()
        except RuntimeError as exc:
            pytest.fail(f"No Redis answers at {url}, and starting {binary} failed: {exc}")
        try:
            yield server.url
        finally:
            server.stop()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def redis_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], RedisProcess]]:
    binary = redis_server_binary()
    started: list[RedisProcess] = []

    def start() -> RedisProcess:
        if binary is None:
            pytest.fail(
                f"This test starts its own redis-server, but none is installed. {RUN_MAKE_TEST}"
            )
        server = RedisProcess(binary, tmp_path_factory.mktemp("redis"))
        started.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def _normalise_postgres_url(raw: str) -> URL:
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str | None:
    raw = os.environ.get("WISMO_TEST_POSTGRES_URL")
    if not raw:
        return None
    return _normalise_postgres_url(raw).render_as_string(hide_password=False)


def _drop_schema(admin: sa.Engine, schema: str, app_name: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text("SET lock_timeout = '5s'"))
        try:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.commit()
            return
        except sa.exc.OperationalError:
            conn.rollback()
        # A test left a transaction open on its tables: end those sessions, then drop.
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :name AND pid <> pg_backend_pid()"
            ),
            {"name": app_name},
        )
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str | None
) -> Iterator[str]:
    """A fresh, empty database for this test, as a SQLAlchemy URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'wismo.db'}"
        return
    if postgres_url is None:
        pytest.skip(
            "PostgreSQL not configured: set WISMO_TEST_POSTGRES_URL "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    schema = f"t_{secrets.token_hex(6)}"
    app_name = f"wismo-test-{schema}"
    admin = sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)
    try:
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
                conn.commit()
        except sa.exc.OperationalError as exc:
            pytest.fail(f"WISMO_TEST_POSTGRES_URL={postgres_url} does not answer: {exc}")
        url = make_url(postgres_url).update_query_dict(
            {"options": f"-csearch_path={schema}", "application_name": app_name}
        )
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            _drop_schema(admin, schema, app_name)
    finally:
        admin.dispose()
