"""The baseline job for bench/dispatch.py: an rq job that does nothing.

Workers import it as `noop_job.noop` (bench/ is put on their import path).
"""

from __future__ import annotations


def noop(*args: int) -> None:
    """Take the same arguments as `core.jobs.deliver` and do nothing with them."""
    return None
