"""Delivery: claim one due notification, render it, send it, record what happened.

A notification is claimed by a conditional UPDATE (pending/retry -> sending), so
two workers never send it together, and marked sent only by the claim's holder.
A worker killed between sending and recording leaves a stale claim that the relay
releases after `send_lease_seconds`: such a message is sent at most once more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from core import hooks, registry
from core.channels.base import OutboundMessage
from core.channels.phones import region_of
from core.domain.rules import OPTIONAL, stopped
from core.domain.states import DUE, MessageState
from core.domain.statuses import Status
from core.errors import ConfigError, TemplateError
from core.links import UNSUBSCRIBE, Links
from core.queue import JobQueue
from core.rendering.renderer import Renderer, uses_short_links
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.db import rowcount
from core.storage.models import MessageEvent, Notification, Shop

from . import failover, optin, smscap
from .claims import record_claimed, take_claim
from .contacts import address_for, opt_in_channels, opted_out_channels, record_opt_out
from .engagement import decorate_html
from .messages import facts_for, locale_of, parcel_facts, shipment_of
from .outbound import Providers, RetryPolicy, send_now
from .resend import is_resend
from .shortlinks import link_facts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """How one delivery attempt ended, and when to try again (for retries)."""

    state: str  # a MessageState, or "missing" / "lost-claim" when nothing was ours to record
    retry_at: datetime | None = None
    claimed: bool = True  # False: it was not due, or another worker had it


def fair_turn(sessions: sessionmaker[Session], notification_id: int, now: datetime) -> int:
    """The due message a deliver job should send: its own, unless another shop has waited
    longer since it was last served (round robin over shops with due messages).

    Every deliver job is one turn at sending, so a shop that queued 500 messages (or whose
    template is slow) cannot hold another shop's confirmation behind all of them: the next
    job, whichever shop queued it, serves the shop served least recently. The job's own
    message keeps its place and is sent by a later turn (or the relay)."""
    served = aliased(Notification)
    with sessions() as session:
        own = session.scalar(select(Notification.shop_id).where(Notification.id == notification_id))
        if own is None:
            return notification_id
        waiting = (
            select(Notification.shop_id, func.min(Notification.id).label("first"))
            .where(Notification.state.in_(DUE), Notification.not_before <= now)
            .group_by(Notification.shop_id)
            .subquery()
        )
        last_served = (
            select(func.max(served.claimed_at))
            .where(served.shop_id == waiting.c.shop_id)
            .correlate(waiting)
            .scalar_subquery()
        )
        turn = session.execute(
            select(waiting.c.shop_id, waiting.c.first)
            .order_by(last_served.asc().nulls_first(), waiting.c.first)
            .limit(1)
        ).first()
    if turn is None or turn.shop_id == own:
        return notification_id
    return int(turn.first)


def claim(session: Session, notification_id: int, now: datetime) -> str | None:
    """Take a due notification for sending; the claim token, or None if not ours to send."""
    with session.begin():
        return take_claim(
            session, Notification, notification_id, DUE, MessageState.SENDING, now, updated_at=now
        )


def deliver(
    sessions: sessionmaker[Session],
    queue: JobQueue,
    providers: Providers,
    links: Links,
    policy: RetryPolicy,
    notification_id: int,
    now: datetime | None = None,
) -> Delivery:
    """Send one notification if it is due and nobody else is sending it.

    Three short transactions: claim; render and record the content; record the
    outcome. None is open while the provider is being called (`send_now`).
    """
    now = now or utcnow()
    with sessions() as session:
        token = claim(session, notification_id, now)
        if token is None:
            note = session.get(Notification, notification_id)
            if note is None:
                return Delivery("missing", claimed=False)
            due = note.not_before if note.state in DUE else None
            return Delivery(note.state, due, claimed=False)
    finish = _Finish(sessions, notification_id, token)
    ending = _Ending(sessions, queue, policy, finish, now)
    try:
        with sessions() as session, session.begin():
            note = session.get(Notification, notification_id)
            assert note is not None
            prepared = _prepare(providers, links, session, note)
            attempts = note.attempts
    except Exception as exc:  # bad data or a bug while rendering: retry, then dead letter
        log.exception("notification %s could not be prepared", notification_id)
        attempts = _attempts(sessions, notification_id)
        return ending.retry(attempts, f"preparing the message failed: {exc!r}", None)
    if isinstance(prepared, Unsent):
        state, reason = prepared
        if state == MessageState.DEAD or reason.startswith("the shopper opted out"):
            return ending.give_up(state, reason)
        return finish(state, reason)
    message, chain = prepared
    sent = send_now(providers.channels, chain, message, attempt=attempts)
    if sent.opted_out is not None and sent.stopped_by is not None:
        _opted_out(sessions, message, sent.stopped_by, sent.opted_out)
        return ending.give_up(MessageState.DEAD, sent.error)
    if sent.transient:
        return ending.retry(attempts, sent.error, sent.retry_after)
    if not sent.ok:
        return ending.give_up(MessageState.DEAD, sent.error)
    extra: dict[str, Any] = {"delivery": sent.accepted_as} if sent.accepted_as else {}
    done = finish(
        MessageState.SENT,
        None,
        provider=sent.provider,
        provider_message_id=sent.message_id,
        sent_at=utcnow(),
        **extra,
    )
    if message.kind == "sms":
        smscap.notify_merchant(sessions, providers, message.shop_id)
    if sent.accepted_as and done.state == MessageState.SENT:
        detail = {"provider_message_id": sent.message_id, "to": message.to}
        if "sms" in message.metadata:  # encoding and billed segments, for the log
            detail["sms"] = message.metadata["sms"]
        _log_event(sessions, message, str(sent.provider), sent.accepted_as, detail)
    return done


class _Ending:
    """How a claimed message that was not sent ends: retried later, or given up on."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        queue: JobQueue,
        policy: RetryPolicy,
        finish: _Finish,
        now: datetime,
    ) -> None:
        self.sessions, self.queue, self.policy = sessions, queue, policy
        self.finish, self.now = finish, now

    def retry(self, attempts: int, error: str, retry_after: float | None) -> Delivery:
        """Try again after the backoff, or end as a dead letter once attempts are used up."""
        retry_at = self.policy.retry_at(attempts, self.now, retry_after)
        if retry_at is None:
            return self.give_up(MessageState.DEAD, f"gave up after {attempts} attempts: {error}")
        return self.finish(MessageState.RETRY, error, retry_at)

    def give_up(self, state: MessageState, reason: str) -> Delivery:
        """End a message that cannot go out here, and let the failover chain take over."""
        done = self.finish(state, reason)
        if done.state != state:
            return done  # the claim was lost: whoever holds it decides
        handed = hand_over(self.sessions, self.queue, self.finish.id, self.now)
        return Delivery(MessageState.FAILED_OVER) if handed else done


def hand_over(
    sessions: sessionmaker[Session], queue: JobQueue, notification_id: int, now: datetime
) -> bool:
    """Give an ended message's status to the next channel of the failover chain, if any."""
    with sessions() as session, session.begin():
        stand_in = failover.fall_over(session, notification_id, now)
    if stand_in is None:
        return False
    new_id, _channel = stand_in
    try:
        queue.enqueue("deliver", new_id)
    except Exception:  # the relay picks pending messages up anyway
        log.exception("could not enqueue the failover message %s", new_id)
    return True


def _attempts(sessions: sessionmaker[Session], notification_id: int) -> int:
    """How often the notification was claimed, counting the claim in hand."""
    with sessions() as session:
        return (
            session.scalar(select(Notification.attempts).where(Notification.id == notification_id))
            or 1
        )


def _opted_out(
    sessions: sessionmaker[Session], message: OutboundMessage, provider: str, reason: str
) -> None:
    """The provider says this address said stop (or blocked the bot): remember it now."""
    with sessions() as session, session.begin():
        record_opt_out(session, message.shop_id, message.kind, message.to, reason[:200])
        if message.kind in opt_in_channels():
            optin.mark_unreachable(session, message.shop_id, message.kind, message.to, utcnow())
        session.add(
            MessageEvent(
                shop_id=message.shop_id,
                notification_id=message.notification_id,
                kind="opt_out",
                provider=provider,
                detail={"reason": reason[:500], "address": message.to},
            )
        )


def _log_event(
    sessions: sessionmaker[Session],
    message: OutboundMessage,
    provider: str,
    kind: str,
    detail: dict[str, Any],
) -> None:
    with sessions() as session, session.begin():
        session.add(
            MessageEvent(
                shop_id=message.shop_id,
                notification_id=message.notification_id,
                kind=kind,
                provider=provider,
                detail=detail,
            )
        )


Prepared = tuple[OutboundMessage, list[tuple[str, dict[str, Any]]]]


class Unsent(NamedTuple):
    """Why a claimed message must not go out, and the state it ends in."""

    state: MessageState
    reason: str


def _prepare(
    providers: Providers, links: Links, session: Session, note: Notification
) -> Prepared | Unsent:
    """The rendered message and its providers, or why it must not be sent."""
    shop = session.get(Shop, note.shop_id)
    assert shop is not None
    if not shop.active:
        return Unsent(MessageState.SKIPPED, "the shop has stopped sending")
    customer = note.order.customer
    if stopped(note.channel, Status(note.status), opted_out_channels(session, shop.id, customer)):
        return Unsent(MessageState.SKIPPED, f"the shopper opted out of {note.channel}")
    try:
        chain = providers.for_shop(shop, note.channel)
    except ConfigError as exc:
        return Unsent(MessageState.DEAD, str(exc))
    kind = registry.kind(note.channel)
    address = (
        chain[0][1].get("url")  # a kind with no shopper address: the merchant's system
        if kind is not None and kind.address is None
        else address_for(note.channel, customer, region_of(settings_of(shop).country))
    )
    if not address:
        return Unsent(MessageState.DEAD, f"no {note.channel} address for this shopper")
    try:
        message = _render(links, session, shop, note, address)
    except TemplateError as exc:
        where = f" ({exc.name}, line {exc.lineno})" if exc.lineno else ""
        return Unsent(MessageState.DEAD, f"template error{where}: {exc}")
    if note.channel == "sms":
        refusal = smscap.admit(session, shop, note, utcnow())
        if refusal:
            return Unsent(MessageState.DEAD, refusal)
    if note.channel == "whatsapp":
        last = last_inbound(session, shop.id, "whatsapp", address)
        if last is not None:
            message = replace(message, metadata={**message.metadata, "last_inbound_at": last})
    return message, chain


def last_inbound(session: Session, shop_id: int, channel: str, address: str) -> str | None:
    """When this address last wrote to the shop on `channel` (ISO 8601), from the receipts log."""
    when = session.scalar(
        select(func.max(MessageEvent.created_at))
        .join(Notification, Notification.id == MessageEvent.notification_id)
        .where(
            MessageEvent.shop_id == shop_id,
            MessageEvent.kind == "inbound",
            Notification.shop_id == shop_id,
            Notification.channel == channel,
            Notification.recipient == address,
        )
    )
    return when.isoformat() if when else None


def unsubscribe_url(links: Links, shop: Shop, order: Any, note: Notification) -> str | None:
    """The one-click unsubscribe link of an optional email (None for the ones that must go)."""
    if note.channel != "email" or Status(note.status) not in OPTIONAL or order.customer is None:
        return None
    token = links.token(UNSUBSCRIBE, shop.id, order.customer.id)
    return f"{links.public_url}/unsubscribe/{token}"


def _render(
    links: Links, session: Session, shop: Shop, note: Notification, address: str
) -> OutboundMessage:
    order = note.order
    locale = locale_of(shop, order)
    facts = facts_for(shop, order, shipment_of(order, note), links, note)
    if uses_short_links(note.channel):  # every character of an SMS is paid for
        facts.update(link_facts(session, links, shop.id, order.id))
    facts["status"] = note.status
    facts["parcels"] = parcel_facts(order, note)
    unsubscribe = unsubscribe_url(links, shop, order, note)
    if unsubscribe:
        facts["unsubscribe_link"] = unsubscribe
    facts["messenger_links"] = (
        optin.messenger_links(links.secret_key, shop, order) if note.channel == "email" else {}
    )
    metadata: dict[str, Any] = {
        "shop": shop.key,
        "order_id": order.external_id,
        "order_number": order.number,
        "status": note.status,
        "shipment": note.shipment_key or None,
        "locale": locale,
        "tracking_link": facts["tracking_link"],
    }
    if unsubscribe:
        metadata["unsubscribe_url"] = unsubscribe  # RFC 8058 one-click header
    kind = registry.kind(note.channel)
    if kind is not None and not kind.templates:  # not rendered (webhook): the receiver gets facts
        subject, text, html = None, f"{order.number}: {note.status}", None
    elif is_resend(note) and note.body_text is not None:  # the admin's resend: same content
        subject, text, html = note.subject, note.body_text, note.body_html
    else:
        # rendering maps the channel to its template folder (telegram -> messenger, ...)
        renderer = Renderer(settings_of(shop).templates, hooks.shop_view(shop))
        rendered = renderer.render(note.channel, Status(note.status), locale, facts)
        subject, text, html = rendered.subject, rendered.text, rendered.html
        if rendered.sms is not None:
            metadata["sms"] = {
                "encoding": rendered.sms.encoding,
                "characters": rendered.sms.characters,
                "segments": rendered.sms.segments,
            }
    note.recipient, note.locale = address, locale
    note.subject, note.body_text, note.body_html = subject, text, html
    return OutboundMessage(
        notification_id=note.id,
        shop_id=shop.id,
        kind=note.channel,
        to=address,
        text=text,
        subject=subject,
        # opens and clicks, when the shop tracks them; the stored copy stays undecorated
        html=decorate_html(links, settings_of(shop).tracking, note.id, html) if html else html,
        idempotency_key=f"n{note.id}",
        metadata=metadata,
    )


class _Finish:
    """Records how a claimed send ended, only if the claim is still ours."""

    def __init__(self, sessions: sessionmaker[Session], notification_id: int, token: str) -> None:
        self.sessions, self.id, self.token = sessions, notification_id, token

    def __call__(
        self,
        state: MessageState,
        error: str | None,
        retry_at: datetime | None = None,
        **fields: Any,
    ) -> Delivery:
        values: dict[str, Any] = {
            "state": state,
            "last_error": error,
            "claim": None,
            "updated_at": utcnow(),
            **fields,
        }
        if retry_at is not None:
            values["not_before"] = retry_at
        with self.sessions() as session, session.begin():
            ours = record_claimed(session, Notification, self.id, self.token, values)
        if not ours:  # the lease expired and the relay handed the send to someone else
            return Delivery("lost-claim")
        if state == MessageState.DEAD:
            log.warning("notification %s is a dead letter: %s", self.id, error)
        return Delivery(state, retry_at)


def retry_dead_letter(session: Session, shop_id: int, notification_id: int) -> bool:
    """Put a dead letter back in the queue (the merchant's retry button)."""
    with session.begin():
        return bool(
            rowcount(
                session.execute(
                    update(Notification)
                    .where(
                        Notification.id == notification_id,
                        Notification.shop_id == shop_id,
                        Notification.state == MessageState.DEAD,
                    )
                    .values(
                        state=MessageState.PENDING,
                        attempts=0,
                        not_before=utcnow(),
                        last_error=None,
                    )
                )
            )
        )
