"""Delivery: claim one due notification, render it, send it, record what happened.

A notification is claimed by a conditional UPDATE (pending/retry -> sending), so
two workers never send it together, and marked sent only by the claim's holder.
A worker killed between sending and recording leaves a stale claim that the relay
releases after `send_lease_seconds`: such a message is sent at most once more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.channels.base import OutboundMessage
from core.crypto import new_token
from core.domain.rules import OPTIONAL
from core.domain.statuses import Status
from core.errors import ConfigError, PermanentChannelError, TemplateError, TransientChannelError
from core.links import UNSUBSCRIBE
from core.storage.clock import utcnow
from core.storage.db import rowcount
from core.storage.models import Notification, Shop

from .contacts import address_for, opted_out_channels
from .engagement import decorate_html
from .messages import facts_for, locale_of, shipment_of
from .resend import is_resend

if TYPE_CHECKING:
    from core.bootstrap import Container

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """How one delivery attempt ended, and when to try again (for retries)."""

    state: str
    retry_at: datetime | None = None


def providers_for(c: Container, shop: Shop, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """The shop's providers for a channel, in order; the service's SMTP or the outbox otherwise."""
    configured = (shop.settings or {}).get("channels", {}).get(kind) or []
    sealed = c.box.open(shop.secrets).get("channels", {}).get(kind) or []
    providers = []
    for i, entry in enumerate(configured):
        conf = {**entry, **(sealed[i] if i < len(sealed) else {})}
        providers.append((str(conf.pop("provider")), conf))
    if providers:
        return providers
    if kind == "email" and c.settings.smtp_url:
        conf = {"url": c.settings.smtp_url, "from_name": shop.name}
        sender = (shop.settings or {}).get("branding", {}).get("sender_email")
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
                    Notification.state.in_(("pending", "retry")),
                    Notification.not_before <= now,
                )
                .values(
                    state="sending",
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
            due = note.not_before if note.state in ("pending", "retry") else None
            return Delivery(note.state, due)
    finish = _Finish(c, notification_id, token)
    with c.session() as session, session.begin():
        note = session.get(Notification, notification_id)
        assert note is not None
        prepared = _prepare(c, session, note)
        attempts = note.attempts
    if isinstance(prepared, str):
        state, _, reason = prepared.partition(":")
        return finish(state, reason.strip())
    message, providers = prepared
    errors = []
    for name, conf in providers:
        try:
            provider_id = c.channel(name, conf).send(message)
        except (PermanentChannelError, ConfigError) as exc:
            errors.append(f"{name}: {exc}")
            continue
        except TransientChannelError as exc:
            return _retry(c, attempts, finish, f"{name}: {exc}", now, exc.retry_after)
        except Exception as exc:  # a bug or an unmapped vendor error: retry, then dead letter
            log.exception("channel %s failed unexpectedly", name)
            return _retry(c, attempts, finish, f"{name}: {exc!r}", now, None)
        return finish(
            "sent", None, provider=name, provider_message_id=provider_id, sent_at=utcnow()
        )
    return finish("dead", "; ".join(errors))


Prepared = tuple[OutboundMessage, list[tuple[str, dict[str, Any]]]]


def _prepare(c: Container, session: Session, note: Notification) -> Prepared | str:
    """The rendered message and its providers, or "state: reason" when it must not be sent."""
    shop = session.get(Shop, note.shop_id)
    assert shop is not None
    if not shop.active:
        return "skipped: the shop has stopped sending"
    customer = note.order.customer
    if note.channel in opted_out_channels(session, shop.id, customer):
        return f"skipped: the shopper opted out of {note.channel}"
    try:
        providers = providers_for(c, shop, note.channel)
    except ConfigError as exc:
        return f"dead: {exc}"
    address = (
        providers[0][1].get("url")
        if note.channel == "webhook"
        else address_for(note.channel, customer)
    )
    if not address:
        return f"dead: no {note.channel} address for this shopper"
    try:
        return _render(c, shop, note, address), providers
    except TemplateError as exc:
        where = f" ({exc.name}, line {exc.lineno})" if exc.lineno else ""
        return f"dead: template error{where}: {exc}"


def unsubscribe_url(c: Container, shop: Shop, order: Any, note: Notification) -> str | None:
    """The one-click unsubscribe link of an optional email (None for the ones that must go)."""
    if note.channel != "email" or Status(note.status) not in OPTIONAL or order.customer is None:
        return None
    token = c.links.token(UNSUBSCRIBE, shop.id, order.customer.id)
    return f"{c.links.public_url}/unsubscribe/{token}"


def _render(c: Container, shop: Shop, note: Notification, address: str) -> OutboundMessage:
    order = note.order
    locale = locale_of(shop, order)
    facts = facts_for(shop, order, shipment_of(order, note), c.links)
    facts["status"] = note.status
    unsubscribe = unsubscribe_url(c, shop, order, note)
    if unsubscribe:
        facts["unsubscribe_link"] = unsubscribe
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
        html=decorate_html(c.links, shop.settings, note.id, html) if html else html,
        idempotency_key=f"n{note.id}",
        metadata=metadata,
    )


class _Finish:
    """Records how a claimed send ended, only if the claim is still ours."""

    def __init__(self, c: Container, notification_id: int, token: str) -> None:
        self.c, self.id, self.token = c, notification_id, token

    def __call__(
        self, state: str, error: str | None, retry_at: datetime | None = None, **fields: Any
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
        if state == "dead":
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
        return finish("dead", f"gave up after {attempts} attempts: {error}")
    backoff = c.settings.retry_backoff
    delay = retry_after or backoff[min(attempts - 1, len(backoff) - 1)]
    return finish("retry", error, now + timedelta(seconds=delay))


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
                        Notification.state == "dead",
                    )
                    .values(state="pending", attempts=0, not_before=utcnow(), last_error=None)
                )
            )
        )
