"""Delivery: claim one due notification, render it, send it, record what happened.

A notification is claimed by a conditional UPDATE (pending/retry -> sending), so
two workers never send it together, and marked sent only by the claim's holder.
A worker killed between sending and recording leaves a stale claim that the relay
releases after `send_lease_seconds`: such a message is sent at most once more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.channels.base import OutboundMessage
from core.channels.phones import region_of
from core.crypto import new_token
from core.domain.rules import OPTIONAL, stopped
from core.domain.states import DUE, MessageState
from core.domain.statuses import Status
from core.errors import (
    ConfigError,
    PermanentChannelError,
    RecipientOptedOut,
    TemplateError,
    TransientChannelError,
)
from core.links import UNSUBSCRIBE
from core.rendering.renderer import KINDS
from core.shop_settings import settings_of
from core.storage.clock import utcnow
from core.storage.db import rowcount
from core.storage.models import MessageEvent, Notification, Shop

from . import failover, optin, smscap
from .contacts import OPT_IN_CHANNELS, address_for, opted_out_channels, record_opt_out
from .engagement import decorate_html
from .messages import facts_for, locale_of, parcel_facts, shipment_of
from .resend import is_resend
from .shortlinks import SHORT_LINK_KINDS, link_facts

if TYPE_CHECKING:
    from core.bootstrap import Container

log = logging.getLogger(__name__)

SWITCH_AFTER = 2
"""From this attempt on, a transient failure hands the message to the channel's next provider."""


@dataclass(frozen=True)
class Delivery:
    """How one delivery attempt ended, and when to try again (for retries)."""

    state: str  # a MessageState, or "missing" / "lost-claim" when nothing was ours to record
    retry_at: datetime | None = None


def providers_for(c: Container, shop: Shop, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """The shop's providers for a channel, in order; the service's SMTP or the outbox otherwise."""
    configured = [entry.config() for entry in settings_of(shop).providers(kind)]
    sealed = c.box.open(shop.secrets).get("channels", {}).get(kind) or []
    providers = []
    for i, entry in enumerate(configured):
        conf = {**entry, **(sealed[i] if i < len(sealed) else {})}
        providers.append((str(conf.pop("provider")), conf))
    if providers:
        return providers
    if kind == "email" and c.settings.smtp_url:
        conf = {"url": c.settings.smtp_url, "from_name": shop.name}
        sender = settings_of(shop).branding.sender_email
        if sender:
            conf["from_address"] = sender
        return [("smtp", conf)]
    return [("outbox", {})]


def claim(session: Session, notification_id: int, now: datetime) -> str | None:
    """Take a due notification for sending; the claim token, or None if not ours to send."""
    token = new_token(8)
    with session.begin():
        taken = rowcount(
            session.execute(
                update(Notification)
                .where(
                    Notification.id == notification_id,
                    Notification.state.in_(DUE),
                    Notification.not_before <= now,
                )
                .values(
                    state=MessageState.SENDING,
                    claim=token,
                    claimed_at=now,
                    updated_at=now,
                    attempts=Notification.attempts + 1,
                )
            )
        )
    return token if taken else None


def deliver(c: Container, notification_id: int, now: datetime | None = None) -> Delivery:
    """Send one notification if it is due and nobody else is sending it.

    Three short transactions: claim; render and record the content; record the
    outcome. None is open while the provider is being called.
    """
    now = now or utcnow()
    with c.session() as session:
        token = claim(session, notification_id, now)
        if token is None:
            note = session.get(Notification, notification_id)
            if note is None:
                return Delivery("missing")
            due = note.not_before if note.state in DUE else None
            return Delivery(note.state, due)
    finish = _Finish(c, notification_id, token)
    try:
        with c.session() as session, session.begin():
            note = session.get(Notification, notification_id)
            assert note is not None
            prepared = _prepare(c, session, note)
            attempts = note.attempts
    except Exception as exc:  # bad data or a bug while rendering: retry, then dead letter
        log.exception("notification %s could not be prepared", notification_id)
        attempts = _attempts(c, notification_id)
        return _retry(c, attempts, finish, f"preparing the message failed: {exc!r}", now, None)
    if isinstance(prepared, Unsent):
        state, reason = prepared
        if state == MessageState.DEAD or reason.startswith("the shopper opted out"):
            return _give_up(c, finish, state, reason, now)
        return finish(state, reason)
    message, providers = prepared
    errors: list[str] = []
    transient: TransientChannelError | None = None
    for i, (name, conf) in enumerate(providers):
        try:
            channel = c.channel(name, conf)
            provider_id = channel.send(message)
        except RecipientOptedOut as exc:  # the shopper said stop there: no other provider either
            _opted_out(c, message, name, str(exc))
            return _give_up(c, finish, MessageState.DEAD, f"{name}: opted out: {exc}", now)
        except (PermanentChannelError, ConfigError) as exc:
            errors.append(f"{name}: {exc}")
            continue
        except TransientChannelError as exc:
            if attempts >= SWITCH_AFTER and i + 1 < len(providers):
                errors.append(f"{name}: {exc}")  # keeps failing: let the next provider try
                transient = transient or exc
                continue
            return _retry(c, attempts, finish, f"{name}: {exc}", now, exc.retry_after)
        except Exception as exc:  # a bug or an unmapped vendor error: retry, then dead letter
            log.exception("channel %s failed unexpectedly", name)
            return _retry(c, attempts, finish, f"{name}: {exc!r}", now, None)
        accepted = getattr(channel, "accepted_as", None)
        done = finish(
            MessageState.SENT,
            None,
            provider=name,
            provider_message_id=provider_id,
            sent_at=utcnow(),
            **({"delivery": accepted} if accepted else {}),
        )
        if message.kind == "sms":
            smscap.notify_merchant(c, message.shop_id)
        if accepted and done.state == MessageState.SENT:
            detail = {"provider_message_id": provider_id, "to": message.to}
            if "sms" in message.metadata:  # encoding and billed segments, for the log
                detail["sms"] = message.metadata["sms"]
            _log_event(c, message, name, accepted, detail)
        return done
    if transient is not None:
        return _retry(c, attempts, finish, "; ".join(errors), now, transient.retry_after)
    return _give_up(c, finish, MessageState.DEAD, "; ".join(errors), now)


def _give_up(
    c: Container, finish: _Finish, state: MessageState, reason: str, now: datetime
) -> Delivery:
    """End a message that cannot go out here, and let the failover chain take over."""
    done = finish(state, reason)
    if done.state != state:
        return done  # the claim was lost: whoever holds it decides
    return Delivery(MessageState.FAILED_OVER) if hand_over(c, finish.id, now) else done


def hand_over(c: Container, notification_id: int, now: datetime) -> bool:
    """Give an ended message's status to the next channel of the failover chain, if any."""
    with c.session() as session, session.begin():
        stand_in = failover.fall_over(session, notification_id, now)
    if stand_in is None:
        return False
    new_id, _channel = stand_in
    try:
        c.queue.enqueue("deliver", new_id)
    except Exception:  # the relay picks pending messages up anyway
        log.exception("could not enqueue the failover message %s", new_id)
    return True


def _attempts(c: Container, notification_id: int) -> int:
    """How often the notification was claimed, counting the claim in hand."""
    with c.session() as session:
        return (
            session.scalar(select(Notification.attempts).where(Notification.id == notification_id))
            or 1
        )


def _opted_out(c: Container, message: OutboundMessage, provider: str, reason: str) -> None:
    """The provider says this address said stop (or blocked the bot): remember it now."""
    with c.session() as session, session.begin():
        record_opt_out(session, message.shop_id, message.kind, message.to, reason[:200])
        if message.kind in OPT_IN_CHANNELS:
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
    c: Container, message: OutboundMessage, provider: str, kind: str, detail: dict[str, Any]
) -> None:
    with c.session() as session, session.begin():
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


def _prepare(c: Container, session: Session, note: Notification) -> Prepared | Unsent:
    """The rendered message and its providers, or why it must not be sent."""
    shop = session.get(Shop, note.shop_id)
    assert shop is not None
    if not shop.active:
        return Unsent(MessageState.SKIPPED, "the shop has stopped sending")
    customer = note.order.customer
    if stopped(note.channel, Status(note.status), opted_out_channels(session, shop.id, customer)):
        return Unsent(MessageState.SKIPPED, f"the shopper opted out of {note.channel}")
    try:
        providers = providers_for(c, shop, note.channel)
    except ConfigError as exc:
        return Unsent(MessageState.DEAD, str(exc))
    address = (
        providers[0][1].get("url")
        if note.channel == "webhook"
        else address_for(note.channel, customer, region_of(settings_of(shop).country))
    )
    if not address:
        return Unsent(MessageState.DEAD, f"no {note.channel} address for this shopper")
    try:
        message = _render(c, session, shop, note, address)
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
    return message, providers


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


def unsubscribe_url(c: Container, shop: Shop, order: Any, note: Notification) -> str | None:
    """The one-click unsubscribe link of an optional email (None for the ones that must go)."""
    if note.channel != "email" or Status(note.status) not in OPTIONAL or order.customer is None:
        return None
    token = c.links.token(UNSUBSCRIBE, shop.id, order.customer.id)
    return f"{c.links.public_url}/unsubscribe/{token}"


def _render(
    c: Container, session: Session, shop: Shop, note: Notification, address: str
) -> OutboundMessage:
    order = note.order
    locale = locale_of(shop, order)
    facts = facts_for(shop, order, shipment_of(order, note), c.links, note)
    if KINDS.get(note.channel) in SHORT_LINK_KINDS:  # every character of an SMS is paid for
        facts.update(link_facts(session, c.links, shop.id, order.id))
    facts["status"] = note.status
    facts["parcels"] = parcel_facts(order, note)
    unsubscribe = unsubscribe_url(c, shop, order, note)
    if unsubscribe:
        facts["unsubscribe_link"] = unsubscribe
    facts["messenger_links"] = messenger_links(c, shop, order) if note.channel == "email" else {}
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
    if note.channel == "webhook":
        subject, text, html = None, f"{order.number}: {note.status}", None
    elif is_resend(note) and note.body_text is not None:  # the admin's resend: same content
        subject, text, html = note.subject, note.body_text, note.body_html
    else:
        # rendering maps the channel to its template folder (telegram -> messenger, ...)
        rendered = c.renderer_for(shop).render(note.channel, Status(note.status), locale, facts)
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
        html=decorate_html(c.links, settings_of(shop).tracking, note.id, html) if html else html,
        idempotency_key=f"n{note.id}",
        metadata=metadata,
    )


def messenger_links(c: Container, shop: Shop, order: Any) -> dict[str, str]:
    """Opt-in links for the shop's Telegram / Viber bots, to offer in emails and on pages."""
    settings = settings_of(shop)
    firsts = {
        ch: settings.providers(ch)[0].config() for ch in OPT_IN_CHANNELS if settings.providers(ch)
    }
    if not firsts:
        return {}
    return optin.opt_in_links(c.settings.secret_key, shop, order, firsts, utcnow())


class _Finish:
    """Records how a claimed send ended, only if the claim is still ours."""

    def __init__(self, c: Container, notification_id: int, token: str) -> None:
        self.c, self.id, self.token = c, notification_id, token

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
        with self.c.session() as session, session.begin():
            ours = rowcount(
                session.execute(
                    update(Notification)
                    .where(Notification.id == self.id, Notification.claim == self.token)
                    .values(**values)
                )
            )
        if not ours:  # the lease expired and the relay handed the send to someone else
            return Delivery("lost-claim")
        if state == MessageState.DEAD:
            log.warning("notification %s is a dead letter: %s", self.id, error)
        return Delivery(state, retry_at)


def _retry(
    c: Container,
    attempts: int,
    finish: _Finish,
    error: str,
    now: datetime,
    retry_after: float | None,
) -> Delivery:
    if attempts >= c.settings.max_attempts:
        return _give_up(
            c, finish, MessageState.DEAD, f"gave up after {attempts} attempts: {error}", now
        )
    backoff = c.settings.retry_backoff
    delay = retry_after or backoff[min(attempts - 1, len(backoff) - 1)]
    return finish(MessageState.RETRY, error, now + timedelta(seconds=delay))


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
