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
    engine = create_engine(url, **kwargs)
    event.listen(engine, "handle_error", without_detail)
    return engine


def without_detail(context: Any) -> None:
    """Drop PostgreSQL's DETAIL from a database error before anyone logs it.

    A unique-key error's detail quotes the key's value (`Key (email)=(anna@…) already
    exists`), a not-null one the whole failing row: shoppers' data. The error keeps its
    type, its first line and the constraint's name, which is what a reader needs.
    """
    orig = context.original_exception
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    text = str(orig)
    lines = [line for line in text.splitlines() if not line.startswith("DETAIL:")]
    if len(lines) == len(text.splitlines()):
        return
    if constraint:
        lines.append(f"CONSTRAINT: {constraint}")
    scrubbed = "\n".join(lines)
    orig.args = (scrubbed,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None and wrapped.args:
        wrapped.args = (str(wrapped.args[0]).replace(text, scrubbed),)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: Engine) -> bool:
    """Whether row locks (FOR UPDATE) mean anything on this engine."""
    return engine.dialect.name == "postgresql"


def rowcount(result: Any) -> int:
    """Rows an UPDATE touched (Session.execute is typed as returning a generic Result)."""
    return int(cast(CursorResult[Any], result).rowcount)
