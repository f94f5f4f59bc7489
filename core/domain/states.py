"""Where a message (a notification row) is on its way out: its dispatch state.

A `StrEnum`, so the values are the very strings the `notifications.state` column holds
and every comparison with a stored value works unchanged; only a member can be written,
so a typo cannot create a state. docs/architecture.md, "Dispatch states", draws the moves.
"""

from __future__ import annotations

from enum import StrEnum


class MessageState(StrEnum):
    """The dispatch state of one message."""

    PENDING = "pending"  # waiting until it is due (debounce, quiet hours, failover)
    SENDING = "sending"  # claimed by a worker, which records the outcome
    SENT = "sent"  # a provider accepted it
    RETRY = "retry"  # failed for now: due again after a backoff
    DEAD = "dead"  # will not be sent: the merchant's dead letters
    SUPERSEDED = "superseded"  # newer progress arrived before it was due
    SKIPPED = "skipped"  # the shop stopped, or the shopper opted out, before it went
    FAILED_OVER = "failed_over"  # ended unsent; the next channel of the chain took over


DUE = (MessageState.PENDING, MessageState.RETRY)
"""The states a message can be claimed from once its `not_before` has come."""
