"""Shoppers' problem reports: stored at once, forwarded to the merchant by a job, kept in an inbox.

A report is committed before the shopper's request answers. Forwarding (by email to the
shop's support address, and to its webhook) is the `forward_problem(report_id)` job: it
claims the report with a conditional UPDATE, sends with no transaction open, and records
the outcome only while the claim is still its own, like a message. Transient failures are
retried with the messages' backoff, up to `max_attempts`; then the report is `failed`, with
the error, in the merchant's inbox (/admin/problems) either way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.channels.base import OutboundMessage
from core.crypto import new_token
from core.errors import ConfigError, PermanentChannelError, TransientChannelError
from core.i18n import NP_, Marked, gettext
from core.rendering import status_label
from core.storage.clock import utcnow
from core.storage.db import rowcount
from core.storage.models import Order, ProblemReport, Shop

from .delivery import providers_for

if TYPE_CHECKING:
    from core.bootstrap import Container

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
    settings = shop.settings or {}
    to = (settings.get("problem_reports") or {}).get("email") or (
        settings.get("branding") or {}
    ).get("support_email")
    targets: list[tuple[str, str | None]] = [("email", str(to))] if to else []
    if (settings.get("channels") or {}).get("webhook"):
        targets.append(("webhook", None))
    return targets


@dataclass(frozen=True)
class Forwarding:
    """How one forwarding attempt ended, and when to try again."""

    state: str
    retry_at: datetime | None = None


def forward_problem(c: Container, report_id: int, now: datetime | None = None) -> Forwarding:
    """Forward a stored report to the merchant if it is due and nobody else is doing it."""
    now = now or utcnow()
    token = new_token(8)
    with c.session() as s, s.begin():
        taken = rowcount(
            s.execute(
                update(ProblemReport)
                .where(
                    ProblemReport.id == report_id,
                    ProblemReport.state.in_(DUE),
                    ProblemReport.not_before <= now,
                )
                .values(
                    state=ForwardState.SENDING,
                    claim=token,
                    claimed_at=now,
                    attempts=ProblemReport.attempts + 1,
                )
            )
        )
        report = s.get(ProblemReport, report_id)
        if report is None:
            return Forwarding("missing")
        if not taken:
            due = report.not_before if report.state in DUE else None
            return Forwarding(report.state, due)
        shop, order = s.get(Shop, report.shop_id), s.get(Order, report.order_id)
        assert shop is not None and order is not None
        pending = [t for t in targets_of(shop) if t[0] not in (report.forwarded_to or [])]
        messages = [_message(c, shop, order, report, kind, to) for kind, to in pending]
        attempts, done = report.attempts, list(report.forwarded_to or [])
    if not pending and not done:
        return _finish(c, report_id, token, ForwardState.FAILED, done, NOWHERE, now)
    errors: list[str] = []
    transient = False
    for kind, providers, message in messages:
        outcome = _send(c, providers, message)
        if outcome is None:
            done.append(kind)
        else:
            errors.append(f"{kind}: {outcome[0]}")
            transient = transient or outcome[1]
    if not errors:
        return _finish(c, report_id, token, ForwardState.FORWARDED, done, None, now)
    error = "; ".join(errors)
    if transient and attempts < c.settings.max_attempts:
        backoff = c.settings.retry_backoff
        retry_at = now + timedelta(seconds=backoff[min(attempts - 1, len(backoff) - 1)])
        return _finish(c, report_id, token, ForwardState.RETRY, done, error, now, retry_at)
    if transient:
        error = f"gave up after {attempts} attempts: {error}"
    return _finish(c, report_id, token, ForwardState.FAILED, done, error, now)


NOWHERE = (
    "nowhere to forward it: set a support email (Settings, Branding) or a webhook; "
    "the report is in this inbox"
)


Planned = tuple[str, list[tuple[str, dict[str, Any]]] | ConfigError, OutboundMessage]


def _message(
    c: Container, shop: Shop, order: Order, report: ProblemReport, kind: str, to: str | None
) -> Planned:
    """The merchant's copy of a report for one target, with that target's providers."""
    try:
        providers: list[tuple[str, dict[str, Any]]] | ConfigError = providers_for(c, shop, kind)
    except ConfigError as exc:
        providers = exc
    if to is None and not isinstance(providers, ConfigError):
        to = str(providers[0][1].get("url") or "")
    inbox = f"{c.links.public_url}/admin/problems"
    locale = (shop.settings or {}).get("locale") or "en"  # the merchant's language
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
    return kind, providers, message


def _send(
    c: Container, providers: list[tuple[str, dict[str, Any]]] | ConfigError, message: Any
) -> tuple[str, bool] | None:
    """Send through the first provider that takes it: None, or (error, worth retrying)."""
    if isinstance(providers, ConfigError):
        return str(providers), False
    errors: list[str] = []
    transient = False
    for name, conf in providers:
        try:
            c.channel(name, conf).send(message)
            return None
        except (PermanentChannelError, ConfigError) as exc:
            errors.append(f"{name}: {exc}")
        except TransientChannelError as exc:
            errors.append(f"{name}: {exc}")
            transient = True
        except Exception as exc:  # a bug or an unmapped vendor error: retry, then give up
            log.exception("forwarding a problem report through %s failed unexpectedly", name)
            errors.append(f"{name}: {exc!r}")
            transient = True
    return "; ".join(errors), transient


def _finish(
    c: Container,
    report_id: int,
    token: str,
    state: ForwardState,
    done: list[str],
    error: str | None,
    now: datetime,
    retry_at: datetime | None = None,
) -> Forwarding:
    """Record how the attempt ended, only if the claim is still ours."""
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
    with c.session() as s, s.begin():
        ours = rowcount(
            s.execute(
                update(ProblemReport)
                .where(ProblemReport.id == report_id, ProblemReport.claim == token)
                .values(**values)
            )
        )
    if not ours:
        return Forwarding("lost-claim")
    if state == ForwardState.FAILED:
        log.warning("problem report %s could not be forwarded: %s", report_id, error)
    return Forwarding(state, retry_at)


def relay_reports(c: Container, now: datetime) -> int:
    """Re-enqueue reports due for forwarding that the queue lost, and release dead claims."""
    grace = now - timedelta(seconds=c.settings.relay_grace_seconds)
    lease = now - timedelta(seconds=c.settings.send_lease_seconds)
    with c.session() as s, s.begin():
        s.execute(
            update(ProblemReport)
            .where(ProblemReport.state == ForwardState.SENDING, ProblemReport.claimed_at < lease)
            .values(
                state=ForwardState.RETRY,
                claim=None,
                forward_error="the forwarding worker vanished",
            )
        )
        due = list(
            s.scalars(
                select(ProblemReport.id)
                .where(
                    ProblemReport.state.in_(DUE),
                    ProblemReport.not_before <= now,
                    or_(ProblemReport.queued_at.is_(None), ProblemReport.queued_at < grace),
                )
                .order_by(ProblemReport.not_before)
                .limit(BATCH)
            )
        )
        if due:
            s.execute(update(ProblemReport).where(ProblemReport.id.in_(due)).values(queued_at=now))
    for report_id in due:
        c.queue.enqueue("forward_problem", report_id)
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
