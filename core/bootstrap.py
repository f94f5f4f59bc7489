"""The composition root: `bootstrap(settings)` wires storage, the queue, channels and jobs.

The app factory, `wismo worker`, the CLI, the demo, backfill and the simulator each call it
once and pass what they built on; nothing is global. Services never import this module.
"""

from __future__ import annotations

from sqlalchemy import Engine

from core import netguard
from core.channels.smtp import parse_smtp_url
from core.container import Container
from core.crypto import SecretBox
from core.jobs import Jobs
from core.links import Links
from core.queue import InlineQueue, JobQueue, Runner, ThreadQueue
from core.queue_rq import RqQueue
from core.services.outbound import PluginChannels
from core.settings import Settings
from core.storage.db import make_engine, make_sessionmaker

__all__ = ["Container", "bootstrap"]


def bootstrap(
    settings: Settings,
    *,
    queue: JobQueue | type[InlineQueue | ThreadQueue] | None = None,
    engine: Engine | None = None,
) -> Container:
    """Everything a process needs, built once from `settings`.

    The queue is rq when WISMO_REDIS_URL is set, else jobs run inline (`inline_jobs`) or on a
    background thread; the in-process queues run the jobs of this very container. Pass
    `queue` (a queue, or InlineQueue / ThreadQueue to run this container's jobs whatever the
    settings say) or `engine` to use your own (tests, the demo).
    """
    netguard.configure(outbound_policy(settings))
    engine = engine or make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    c = Container(
        settings=settings,
        engine=engine,
        sessions=sessions,
        box=SecretBox(settings.secret_key, settings.secret_key_previous),
        links=Links(settings.secret_key, settings.public_url, settings.secret_key_previous),
        channels=PluginChannels(settings.public_url, sessions),
        queue=_Unbound(),
    )
    if isinstance(queue, type):
        c.queue = queue(Jobs(c).run)
    else:
        c.queue = queue or _queue_for(settings, Jobs(c).run)
    return c


def outbound_policy(settings: Settings) -> netguard.Policy:
    """Where merchant URLs may lead: the public internet, the allowed private networks, and
    the operator's own SMTP relay."""
    trusted: set[tuple[str, int]] = set()
    if settings.smtp_url:
        relay = parse_smtp_url(settings.smtp_url)
        trusted.add((relay.host, relay.port))
    return netguard.Policy(allow=settings.allow_private_urls, trusted=frozenset(trusted))


def _queue_for(settings: Settings, run: Runner) -> JobQueue:
    """rq when WISMO_REDIS_URL is set; inline or a background thread otherwise."""
    if settings.redis_url:
        return RqQueue(settings.redis_url, settings.queue_name)
    return InlineQueue(run) if settings.inline_jobs else ThreadQueue(run)


class _Unbound:
    """The queue slot while the container is being built (the jobs need the container)."""

    def enqueue(self, job: str, *args: int, at: object = None) -> None:
        raise RuntimeError("the container is still being built")

    def depth(self) -> int | None:
        return None
