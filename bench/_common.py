"""Shared plumbing for the benchmarks: databases, child processes, events, tables.

Nothing here is imported by the product; the benchmarks stay out of the test suite.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_BASE = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- databases -------------------------------------------------------------------------


@dataclass
class Database:
    url: str  # SQLAlchemy URL for WISMO_DATABASE_URL
    kind: str  # "postgresql" or "sqlite"
    _drop: Any = None

    def drop(self) -> None:
        if self._drop is not None:
            self._drop()
            self._drop = None


def _pg_admin() -> Any:
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)


@contextmanager
def fresh_database(tag: str, force_sqlite: bool = False, keep: bool = False) -> Iterator[Database]:
    """A new empty PostgreSQL database when reachable, else a SQLite file; dropped afterwards."""
    db: Database | None = None
    if not force_sqlite:
        try:
            with _pg_admin() as conn:
                name = f"wismo_bench_{tag}_{os.getpid()}"
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
            base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")

            def drop_pg() -> None:
                with _pg_admin() as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

            db = Database(f"{base}/{name}", "postgresql", drop_pg)
        except Exception as exc:  # noqa: BLE001 - no PostgreSQL: fall back, and say so
            log(
                f"PostgreSQL not reachable at {PG_ADMIN_URL} ({exc.__class__.__name__}); "
                "using SQLite"
            )
    if db is None:
        tmp = tempfile.mkdtemp(prefix=f"wismo-bench-{tag}-")
        path = Path(tmp) / "wismo.db"

        def drop_sqlite() -> None:
            for p in Path(tmp).glob("*"):
                p.unlink()
            os.rmdir(tmp)

        db = Database(f"sqlite:///{path}", "sqlite", drop_sqlite)
    try:
        yield db
    finally:
        if keep:
            log(f"kept database {db.url}")
        else:
            try:
                db.drop()
            except Exception as exc:  # noqa: BLE001
                log(f"could not drop {db.url}: {exc}")


# --- environment and CLI ------------------------------------------------------------------


def wismo_env(db: Database, redis_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WISMO_")}
    env.update(
        WISMO_DATABASE_URL=db.url,
        WISMO_SECRET_KEY="bench-" + secrets.token_urlsafe(32),
        WISMO_PUBLIC_URL="https://bench.wismo.test",  # serve and worker refuse plain http
        PYTHONUNBUFFERED="1",
        # the repo first: an editable install made before a package got its __init__.py
        # maps it as a namespace package (see docs/performance.md, "Known problems")
        PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]),
    )
    if redis_url:
        env["WISMO_REDIS_URL"] = redis_url
    env.update(extra)
    return env


def wismo_cli(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run a `wismo` command to completion; its stdout, or raise with its stderr."""
    proc = subprocess.run(
        [str(VENV_BIN / "wismo"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"wismo {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def setup_shop(env: dict[str, str], name: str = "Bench Shop") -> dict[str, Any]:
    wismo_cli(env, "db", "upgrade")
    out = wismo_cli(env, "shops", "add", "--platform", "api", "--name", name, "--json")
    return json.loads(out[out.index("{") :])  # type: ignore[no-any-return]


# --- child processes ------------------------------------------------------------------


@dataclass
class Children:
    """Processes this benchmark started, each in its own process group; all stopped at exit."""

    logdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="wismo-bench-logs-")))
    procs: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self, name: str, argv: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        out = open(self.logdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            list(argv),
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        self.procs.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
        strays = descendants(proc.pid)  # rq work horses call setsid(): not in the group
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(5)
        # a process group may outlive its leader (gunicorn workers, rq work horses)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def stop_all(self) -> None:
        for _, proc in reversed(self.procs):
            self.stop(proc)
        self.procs.clear()

    def remove_logs(self) -> None:
        for p in self.logdir.glob("*.log"):
            p.unlink()
        self.logdir.rmdir()

    def finish(self, failed: list[str], keep: bool, queue: Any) -> int:
        """Stop everything, keep logs when asked or when something failed, empty the queue,
        report errors; the benchmark's exit code."""
        self.stop_all()
        if failed or keep:
            log(f"worker and server logs kept in {self.logdir}")
        else:
            self.remove_logs()
        try:
            queue.empty()
        except Exception:  # noqa: BLE001 - Redis may be what failed
            pass
        if failed:
            print("\nERRORS:", *failed, sep="\n  ", file=sys.stderr)
            return 1
        return 0

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.logdir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid` (Linux /proc), children first found."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo and len(found) < 10_000:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Wait until `url` answers (any status) or the process dies."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering")
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            conn.request("GET", parts.path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


# --- events ---------------------------------------------------------------------------

_ITEMS = [
    {"name": "Trail running shoes", "quantity": 1, "price": "2450.00", "sku": "TRS-42"},
    {"name": "Merino socks (3 pairs)", "quantity": 2, "price": "390.00", "sku": "MS-3P"},
]


def event_body(run: str, n: int, status: str = "placed") -> dict[str, Any]:
    """A realistic event API body with a unique event id and order id."""
    occurred = datetime(2026, 11, 20, 9, 0, tzinfo=UTC) + timedelta(seconds=n)
    return {
        "event_id": f"bench-{run}-{n}-{status}",
        "order": {
            "id": f"{run}-{n}",
            "number": f"#{100000 + n}",
            "status": status,
            "occurred_at": occurred.isoformat().replace("+00:00", "Z"),
            "customer": {
                "name": f"Shopper {n}",
                "email": f"shopper{n}@example.com",
                "phone": "+380501234567",
                "locale": "en",
                "timezone": "Europe/Kyiv",
                "id": f"c-{n}",
            },
            "items": _ITEMS,
            "total": "3230.00",
            "currency": "UAH",
        },
    }


def run_id() -> str:
    return uuid.uuid4().hex[:8]


# --- output ---------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for i, r in enumerate(cells):
        lines.append(
            "  ".join(
                c.rjust(w) if j else c.ljust(w)
                for j, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    return str(value)


def percentile(sorted_values: Sequence[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]
