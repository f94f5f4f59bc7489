"""The clock a year ahead: proves that no test depends on today's date (a pytest plugin).

With ``WISMO_TEST_CLOCK_AHEAD`` set to a number of days (``365``, ``+365d``), the whole test
session runs with the wall clock moved that far ahead (time-machine, ticking), and so does
every Wismo process a test starts through :func:`python_command` (the worker and scheduler
subprocesses), and every PHP program run through :func:`same_clock` (libfaketime).
Monotonic clocks stay real, so timeouts and sleeps behave. Third-party
servers (Redis, PostgreSQL, PHP) keep their own clocks: what is tested is our code's idea
of "now".

    WISMO_TEST_CLOCK_AHEAD=365 make test ARGS="tests/unit tests/integration"

Run as a module, ``python -m tests.support.clock MODULE ARGS...`` moves the clock the same
way, then runs ``MODULE`` as ``__main__`` with ``ARGS``.
"""

from __future__ import annotations

import os
import re
import runpy
import shutil
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

VARIABLE = "WISMO_TEST_CLOCK_AHEAD"
_travel: Any = None
_moved_key = pytest.StashKey[datetime]()


def clock_ahead() -> timedelta | None:
    """How far ``WISMO_TEST_CLOCK_AHEAD`` moves the clock, or None when it is unset."""
    raw = os.environ.get(VARIABLE, "").strip()
    if not raw:
        return None
    match = re.fullmatch(r"\+?(\d+)d?", raw)
    if not match:
        raise SystemExit(f"{VARIABLE}={raw!r}: give a number of days, e.g. 365 or +365d")
    return timedelta(days=int(match.group(1)))


def start() -> datetime | None:
    """Move this process's wall clock ahead (ticking); the new now, or None when unset."""
    global _travel
    ahead = clock_ahead()
    if ahead is None or _travel is not None:
        return None
    destination = datetime.now(UTC) + ahead
    _travel = time_machine.travel(destination, tick=True)
    _travel.start()
    return destination


def python_command(module: str, *args: str) -> list[str]:
    """argv that runs ``python -m module args`` with this session's clock."""
    if clock_ahead() is None:
        return [sys.executable, "-m", module, *args]
    return [sys.executable, "-m", "tests.support.clock", module, *args]


def same_clock(argv: list[str]) -> list[str]:
    """argv for a program that is not Python (PHP) with this session's clock (libfaketime).

    A PHP plug-in and Wismo sign and check each other's timestamps, so they must agree on
    the time; libfaketime moves a single-threaded program's clock reliably.
    """
    ahead = clock_ahead()
    if ahead is None:
        return argv
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.fail(f"{VARIABLE} needs Debian's faketime for the PHP programs: run `make test`")
    return [faketime, "-f", f"+{ahead.days}d", *argv]


def pytest_configure(config: Any) -> None:
    """Move the clock before any test module is imported."""
    moved = start()
    if moved is not None:
        config.stash[_moved_key] = moved


def pytest_report_header(config: Any) -> str | None:
    """Say so at the top of the run when the clock is moved."""
    moved = config.stash.get(_moved_key, None)
    return None if moved is None else f"clock moved ahead to {moved:%Y-%m-%d %H:%M} UTC"


def pytest_unconfigure(config: Any) -> None:
    """Put the clock back."""
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None


if __name__ == "__main__":
    start()
    module, *rest = sys.argv[1:]
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
