"""The exact accounting every fault run ends with, read from the database and the stand-ins.

Issue 16's "done when": accepted events = processed + dead-lettered; due messages = sent +
dead-lettered (or handed to the next channel of a failover chain); duplicates (a message
the SMTP or SMS stand-in received twice) at most one per crash; no worker left dead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.states import MessageState
from core.storage.models import Notification, OrderEvent

# a notification in one of these states is still on its way
OPEN = (MessageState.PENDING, MessageState.RETRY, MessageState.SENDING)


@dataclass
class Ledger:
    """What one run accepted and what the outside world received."""

    accepted: set[str]  # event ids the receiver answered 2xx
    received: dict[str, list[str]]  # channel -> recipients the stand-ins got, in order
    crashes: int = 0  # worker or Redis deaths the run caused
    events: int = 0
    processed: int = 0
    dead_events: int = 0
    by_state: Counter[tuple[str, str]] = field(default_factory=Counter)

    def read(self, session: Session) -> Ledger:
        """Fill in the database's side."""
        self.events = session.scalar(select(func.count()).select_from(OrderEvent)) or 0
        self.dead_events = (
            session.scalar(
                select(func.count()).select_from(OrderEvent).where(OrderEvent.outcome == "dead")
            )
            or 0
        )
        self.processed = (
            session.scalar(
                select(func.count())
                .select_from(OrderEvent)
                .where(OrderEvent.processed_at.is_not(None), OrderEvent.outcome != "dead")
            )
            or 0
        )
        rows = session.execute(
            select(Notification.channel, Notification.state, func.count()).group_by(
                Notification.channel, Notification.state
            )
        ).all()
        self.by_state = Counter({(ch, st): n for ch, st, n in rows})
        return self

    def count(self, channel: str | None = None, *states: str) -> int:
        return sum(
            n
            for (ch, st), n in self.by_state.items()
            if (channel is None or ch == channel) and (not states or st in states)
        )

    def duplicates(self, channel: str) -> int:
        got = self.received.get(channel, [])
        return len(got) - len(set(got))

    def summary(self) -> str:
        states = ", ".join(f"{ch}/{st}={n}" for (ch, st), n in sorted(self.by_state.items()))
        got = {ch: len(v) for ch, v in self.received.items()}
        return (
            f"accepted={len(self.accepted)} events={self.events} processed={self.processed} "
            f"dead_events={self.dead_events}; notifications: {states}; received: {got}; "
            f"crashes={self.crashes}"
        )

    def check(self) -> None:
        """The run's promises; fails with the whole ledger on the first one broken."""
        why = self.summary()
        # every accepted event was stored, and each ended processed or dead-lettered
        assert self.events == len(self.accepted), why
        assert self.events == self.processed + self.dead_events, why
        # every message made due ended: sent, dead-lettered, or handed over by failover
        assert self.count(None, *OPEN) == 0, why
        for channel in {ch for ch, _ in self.by_state}:
            due = self.count(channel) - self.count(
                channel, MessageState.SKIPPED, MessageState.SUPERSEDED
            )
            ended = self.count(
                channel, MessageState.SENT, MessageState.DEAD, MessageState.FAILED_OVER
            )
            assert due == ended, why
            # what the database calls sent, the outside world received (and nothing else)
            got = set(self.received.get(channel, []))
            assert len(got) == self.count(channel, MessageState.SENT), why
        # duplicates: at most one per crash, over every channel together
        assert sum(self.duplicates(ch) for ch in self.received) <= self.crashes, why
