"""Engines and sessions."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for the backend: WAL and a busy timeout for SQLite, pre-ping for the rest."""
    # a database error names the statement, never its values: those are shoppers' emails,
    # phones and payloads, and error messages end up in logs and `last_error` columns
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # WAL lets the web process read while a worker writes; foreign keys are off by default
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            # take the write lock up front: read-then-write transactions cannot deadlock
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: Engine) -> bool:
    """Whether row locks (FOR UPDATE) mean anything on this engine."""
    return engine.dialect.name == "postgresql"


def rowcount(result: Any) -> int:
    """Rows an UPDATE touched (Session.execute is typed as returning a generic Result)."""
    return int(cast(CursorResult[Any], result).rowcount)
