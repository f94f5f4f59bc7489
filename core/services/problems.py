"""Shoppers' problem reports: stored at once, forwarded to the merchant by a job, kept in an inbox.

A report is committed before the shopper's request answers. Forwarding (by email to the
shop's support address, and to its webhook) is the `forward_problem(report_id)` job: it
claims the report with a conditional UPDATE, sends with no transaction open (`send_now`,
the one way out every message takes), and records
the outcome only while the claim is still its own, like a message. Transient failures are
retried with the messages' backoff, up to `max_attempts`; then the report is `failed`, with
the error, in the merchant's inbox (/admin/problems) either way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from core.channels.base import OutboundMessage
from core.errors import ConfigError
from core.i18n import NP_, Marked, gettext
from core.queue import JobQueue
from core.rendering import status_label
from core.settings import Settings
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.db import rowcount
from core.storage.models import Order, ProblemReport, Shop

from .claims import forgotten, record_claimed, take_claim
from .outbound import Provider, Providers, RetryPolicy, send_now

log = logging.getLogger(__name__)

KIND_WORDS: dict[str, Marked] = {  # what the shopper reported, in the merchant's words
    "not_received": NP_("problem", "Order has not arrived"),
    "damaged": NP_("problem", "Arrived damaged"),
    "wrong_item": NP_("problem", "Wrong item received"),
    "change_address": NP_("problem", "Change delivery address or time"),
    "refund": NP_("problem", "Question about the refund"),
    "other": NP_("problem", "Something else"),
}
PROBLEM_KINDS = ("not_received", "damaged", "wrong_item", "change_address", "refund", "other")
OPEN_KINDS = ("not_received", "damaged", "wrong_item", "change_address", "other")
CLOSED_KINDS = ("refund", "other")
"""What a shopper can report about an order on its way, and about a cancelled or refunded one."""
MAX_MESSAGE = 2000
BATCH = 500


class ForwardState(StrEnum):
    """Where forwarding a report to the merchant stands."""

    PENDING = "pending"
    SENDING = "sending"
    RETRY = "retry"
    FORWARDED = "forwarded"
    FAILED = "failed"


DUE = (ForwardState.PENDING, ForwardState.RETRY)


def report_problem(
    session: Session, order: Order, kind: str, message: str, locale: str | None = None
) -> ProblemReport:
    """Keep what the shopper reported, due for forwarding at once (the caller commits)."""
    kind = kind if kind in PROBLEM_KINDS else "other"
    report = ProblemReport(
        shop_id=order.shop_id,
        order_id=order.id,
        kind=kind,
        message=message.strip()[:MAX_MESSAGE],
        locale=locale,
        state=ForwardState.PENDING,
        not_before=utcnow(),
        forwarded_to=[],
    )
    session.add(report)
    session.flush()
    return report


def targets_of(shop: Shop) -> list[tuple[str, str | None]]:
    """Where a shop's reports go: its reports address (else support email), its webhook."""
    settings = settings_of(shop)
    to = settings.problem_reports.email or settings.branding.support_email
    targets: list[tuple[str, str | None]] = [("email", str(to))] if to else []
    if settings.providers("webhook"):
        targets.append(("webhook", None))
    return targets


@dataclass(frozen=True)
class Forwarding:
    """How one forwarding attempt ended, and when to try again."""

    state: str
    retry_at: datetime | None = None


def forward_problem(
    sessions: sessionmaker[Session],
    providers: Providers,
    policy: RetryPolicy,
    public_url: str,
    report_id: int,
    now: datetime | None = None,
) -> Forwarding:
    """Forward a stored report to the merchant if it is due and nobody else is doing it."""
    now = now or utcnow()
    with sessions() as s, s.begin():
        token = take_claim(s, ProblemReport, report_id, DUE, ForwardState.SENDING, now)
        report = s.get(ProblemReport, report_id)
        if report is None:
            return Forwarding("missing")
        if token is None:
            due = report.not_before if report.state in DUE else None
            return Forwarding(report.state, due)
        shop, order = s.get(Shop, report.shop_id), s.get(Order, report.order_id)
        assert shop is not None and order is not None
        pending = [t for t in targets_of(shop) if t[0] not in (report.forwarded_to or [])]
        inbox = f"{public_url}/admin/problems"
        messages = [_message(providers, inbox, shop, order, report, k, to) for k, to in pending]
        attempts, done = report.attempts, list(report.forwarded_to or [])
    record = _Record(sessions, report_id, token, now)
    if not pending and not done:
        return record(ForwardState.FAILED, done, NOWHERE)
    errors: list[str] = []
    transient = False
    retry_after: float | None = None
    for kind, chain, message in messages:
        if isinstance(chain, ConfigError):
            errors.append(f"{kind}: {chain}")
            continue
        sent = send_now(providers.channels, chain, message)
        if sent.ok:
            done.append(kind)
        else:
            errors.append(f"{kind}: {sent.error}")
            transient = transient or sent.transient
            retry_after = retry_after or sent.retry_after
    if not errors:
        return record(ForwardState.FORWARDED, done, None)
    error = "; ".join(errors)
    retry_at = policy.retry_at(attempts, now, retry_after) if transient else None
    if retry_at is not None:
        return record(ForwardState.RETRY, done, error, retry_at)
    if transient:
        error = f"gave up after {attempts} attempts: {error}"
    return record(ForwardState.FAILED, done, error)


NOWHERE = (
    "nowhere to forward it: set a support email (Settings, Branding) or a webhook; "
    "the report is in this inbox"
)


Planned = tuple[str, list[Provider] | ConfigError, OutboundMessage]


def _message(
    providers: Providers,
    inbox: str,
    shop: Shop,
    order: Order,
    report: ProblemReport,
    kind: str,
    to: str | None,
) -> Planned:
    """The merchant's copy of a report for one target, with that target's providers."""
    try:
        chain: list[Provider] | ConfigError = providers.for_shop(shop, kind)
    except ConfigError as exc:
        chain = exc
    if to is None and not isinstance(chain, ConfigError):
        to = str(chain[0][1].get("url") or "")
    locale = settings_of(shop).locale  # the merchant's language
    what = KIND_WORDS[report.kind](locale) if report.kind in KIND_WORDS else report.kind
    text = gettext(
        "A shopper reported a problem with order {number}: {kind}.\n\n{message}\n\n"
        "Status now: {status}. See every open report and mark it handled at {inbox}. "
        "This message was sent by Wismo's tracking page.",
        locale,
        number=order.number,
        kind=what,
        message=report.message,
        status=status_label(order.status, locale) if order.status else "—",
        inbox=inbox,
    )
    data: dict[str, Any] = {
        "event_type": "order.problem_reported",
        "shop": shop.key,
        "order_id": order.external_id,
        "order_number": order.number,
        "status": order.status,
        "kind": report.kind,
        "report_id": report.id,
        "locale": report.locale,
    }
    message = OutboundMessage(
        notification_id=0,
        shop_id=shop.id,
        kind=kind,
        to=to or "",
        text=text,
        subject=gettext("Problem reported: order {number}", locale, number=order.number),
        idempotency_key=f"problem-{report.id}",  # the webhook's id: receivers drop repeats
        metadata=data,
    )
    return kind, chain, message


class _Record:
    """Records how a forwarding attempt ended, only if the claim is still ours."""

    def __init__(
        self, sessions: sessionmaker[Session], report_id: int, token: str, now: datetime
    ) -> None:
        self.sessions, self.id, self.token, self.now = sessions, report_id, token, now

    def __call__(
        self,
        state: ForwardState,
        done: list[str],
        error: str | None,
        retry_at: datetime | None = None,
    ) -> Forwarding:
        values: dict[str, Any] = {
            "state": state,
            "claim": None,
            "forwarded_to": done,
            "forward_error": error,
        }
        if state == ForwardState.FORWARDED:
            values["forwarded_at"] = utcnow()
        if retry_at is not None:
            values["not_before"] = retry_at
        with self.sessions() as s, s.begin():
            ours = record_claimed(s, ProblemReport, self.id, self.token, values)
        if not ours:
            return Forwarding("lost-claim")
        if state == ForwardState.FAILED:
            log.warning("problem report %s could not be forwarded: %s", self.id, error)
        return Forwarding(state, retry_at)


def relay_reports(
    sessions: sessionmaker[Session], queue: JobQueue, settings: Settings, now: datetime
) -> int:
    """Re-enqueue reports due for forwarding that the queue lost, and release dead claims."""
    grace = now - timedelta(seconds=settings.relay_grace_seconds)
    lease = now - timedelta(seconds=settings.send_lease_seconds)
    with sessions() as s, s.begin():
        s.execute(
            update(ProblemReport)
            .where(ProblemReport.state == ForwardState.SENDING, ProblemReport.claimed_at < lease)
            .values(
                state=ForwardState.RETRY,
                claim=None,
                forward_error="the forwarding worker vanished",
            )
        )
        due = forgotten(s, ProblemReport, DUE, now, grace)
    for report_id in due:
        queue.enqueue("forward_problem", report_id)
    return len(due)


def open_reports(session: Session, shop_id: int, limit: int = 200) -> list[ProblemReport]:
    """The shop's reports nobody has marked handled yet, newest first."""
    return list(
        session.scalars(
            select(ProblemReport)
            .where(ProblemReport.shop_id == shop_id, ProblemReport.handled_at.is_(None))
            .order_by(ProblemReport.created_at.desc(), ProblemReport.id.desc())
            .limit(limit)
        )
    )


def reports_of(session: Session, shop_id: int, order_id: int) -> list[ProblemReport]:
    """Every report about one order of this shop, newest first."""
    return list(
        session.scalars(
            select(ProblemReport)
            .where(ProblemReport.shop_id == shop_id, ProblemReport.order_id == order_id)
            .order_by(ProblemReport.created_at.desc(), ProblemReport.id.desc())
        )
    )


def mark_handled(session: Session, shop_id: int, report_id: int, by: str) -> bool:
    """Close a report of this shop; False when there is no such open report."""
    return bool(
        rowcount(
            session.execute(
                update(ProblemReport)
                .where(
                    ProblemReport.id == report_id,
                    ProblemReport.shop_id == shop_id,
                    ProblemReport.handled_at.is_(None),
                )
                .values(handled_at=utcnow(), handled_by=by[:320])
            )
        )
    )
