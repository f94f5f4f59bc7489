"""What the carrier services use of a process's dependencies, as a narrow port.

They are handed the process's container by the entry points (the scheduler, the demo, the
push route, the admin); typing it as this Protocol keeps them from importing the
composition root and says exactly what they touch: sessions, the sealed-secrets box and
the job queue.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from core.crypto import SecretBox
from core.queue import JobQueue


class CarrierDeps(Protocol):
    """Sessions, the secrets box and the queue (a `core.container.Container` fits)."""

    box: SecretBox
    queue: JobQueue

    def session(self) -> Session:
        """A new session; use it as a context manager."""
        ...
