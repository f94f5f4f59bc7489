"""What the scheduler and the worker run, called with a test's container.

The services take only the parts they use (sessions, queue, providers, ...); these pick
them from a container the way `wismo scheduler` and the job runner do.
"""

from __future__ import annotations

from datetime import datetime

from core.container import Container
from core.services import delivery, link_alerts, periodic, relay


def relay_tick(c: Container, now: datetime | None = None) -> relay.RelayReport:
    """One tick of the relay, as `wismo scheduler` runs it."""
    return relay.relay_tick(c.sessions, c.queue, c.settings, now)


def reconcile_tick(c: Container, now: datetime | None = None) -> periodic.ReconcileReport:
    """One reconciliation round, as `wismo scheduler` runs it."""
    return periodic.reconcile_tick(c.sessions, c.queue, c, now)


def deliver(c: Container, notification_id: int, now: datetime | None = None) -> delivery.Delivery:
    """One delivery attempt, as the `deliver` job makes it (without scheduling the retry)."""
    return delivery.deliver(
        c.sessions, c.queue, c.providers, c.links, c.policy, notification_id, now
    )


def link_alert_tick(c: Container, now: datetime | None = None) -> int:
    """One round of the store-link emails to merchants, as `wismo scheduler` runs it."""
    return link_alerts.link_alert_tick(c.sessions, c.providers, c.links, now)
