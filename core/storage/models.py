"""The tables. Every row belongs to one shop, and every query names it."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from core.domain.states import MessageState

from .clock import utcnow


def new_public_id() -> str:
    """A random, unguessable id for an order's tracking links (22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC datetimes")
        from datetime import UTC

        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        from datetime import UTC

        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Shop(Base):
    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # public: in webhook URLs
    name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(40))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    api_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    api_key_hint: Mapped[str | None] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    secrets: Mapped[str | None] = mapped_column(Text)  # SecretBox-sealed JSON
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # what the platform adapter remembers between runs: sync cursors, webhook ids, token expiry
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_shop_email", "shop_id", "email"),
        Index("ix_customers_shop_phone", "shop_id", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    external_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(100))  # as the shopper typed it
    phone_e164: Mapped[str | None] = mapped_column(String(16))  # the number in it, for sending
    locale: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("shop_id", "external_id", name="uq_orders_shop_external"),
        Index("ix_orders_shop_number", "shop_id", "number"),
        Index("ix_orders_shop_updated", "shop_id", "updated_at"),
        Index("uq_orders_public_id", "public_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    # the opaque id tracking links carry (random, 128 bits): never the shop's or order's ids
    public_id: Mapped[str | None] = mapped_column(String(32), default=new_public_id)
    external_id: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    # the name given on this order: the customer row (one per email) keeps only the latest
    customer_name: Mapped[str | None] = mapped_column(String(200))
    # what the shopper sees, derived from the order's own progress and its parcels'
    status: Mapped[str | None] = mapped_column(String(32))
    overlay: Mapped[str | None] = mapped_column(String(32))
    # the order-level progress the state machine keeps
    own_status: Mapped[str | None] = mapped_column(String(32))
    own_at: Mapped[datetime | None]
    own_overlay: Mapped[str | None] = mapped_column(String(32))
    own_overlay_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str | None] = mapped_column(String(16))
    currency: Mapped[str | None] = mapped_column(String(3))
    total: Mapped[str | None] = mapped_column(String(32))  # decimal as text: exact everywhere
    shipping_total: Mapped[str | None] = mapped_column(String(32))  # delivery, within total
    items: Mapped[list[Any]] = mapped_column(default=list)
    items_total: Mapped[int | None] = mapped_column(Integer)
    estimated_delivery: Mapped[date | None] = mapped_column(Date)  # the promise's last day
    estimated_earliest: Mapped[date | None] = mapped_column(Date)  # its first, for a range
    placed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer | None] = relationship(lazy="joined")
    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", order_by="Shipment.id", lazy="selectin"
    )


class Shipment(Base):
    __tablename__ = "shipments"
    __table_args__ = (UniqueConstraint("order_id", "external_id", name="uq_shipments_order_ext"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str | None] = mapped_column(String(32))
    status_at: Mapped[datetime | None]
    overlay: Mapped[str | None] = mapped_column(String(32))
    overlay_at: Mapped[datetime | None]
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    tracking_url: Mapped[str | None] = mapped_column(Text)
    estimated_delivery: Mapped[date | None] = mapped_column(Date)
    pickup_point: Mapped[dict[str, Any] | None]
    # {"from", "to"}: ISO instants of the carrier's window while out for delivery
    delivery_window: Mapped[dict[str, Any] | None]
    items_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="shipments")


class OrderEvent(Base):
    """Every event accepted, stale or not: the audit trail and the relay's work list."""

    __tablename__ = "order_events"
    __table_args__ = (
        UniqueConstraint("shop_id", "event_key", name="uq_events_shop_key"),
        Index("ix_events_order", "shop_id", "order_external_id"),
        Index(
            "ix_events_unprocessed",
            "received_at",
            sqlite_where=text("processed_at IS NULL"),
            postgresql_where=text("processed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(40))
    event_key: Mapped[str] = mapped_column(String(200))
    order_external_id: Mapped[str] = mapped_column(String(100))
    shipment_external_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str | None] = mapped_column(String(32))
    occurred_at: Mapped[datetime]  # when it happened; never later than its receipt + skew
    # the time the sender claimed, kept when it lay beyond the allowed skew in the future
    claimed_at: Mapped[datetime | None]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    # applied stale ignored facts ..., or rejected (refused at intake) / dead (failed too often)
    outcome: Mapped[str | None] = mapped_column(String(20))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)  # why it was refused or failed


class Notification(Base):
    """One message due to one shopper on one channel; the row is the idempotency key."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint(
            "shop_id", "order_id", "status", "shipment_key", "channel", name="uq_notifications_once"
        ),
        Index("ix_notifications_due", "state", "not_before"),
        Index("ix_notifications_shop_state", "shop_id", "state"),
        Index("ix_notifications_shop_claimed", "shop_id", "claimed_at"),  # fair_turn
        Index("ix_notifications_provider_msg", "provider", "provider_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    shipment_key: Mapped[str] = mapped_column(String(100), default="")
    channel: Mapped[str] = mapped_column(String(20))
    # pending -> sending -> sent | retry -> ... | dead; superseded / skipped never send
    state: Mapped[str] = mapped_column(String(16), default=MessageState.PENDING)
    provider: Mapped[str | None] = mapped_column(String(40))
    recipient: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime | None]
    claim: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # what the provider reported afterwards: queued, sent, delivered, undelivered, failed
    delivery: Mapped[str | None] = mapped_column(String(16))
    delivered_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    clicked_at: Mapped[datetime | None]
    # failover: the notification on another channel that this one stands in for
    fallback_of: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL")
    )
    # what the event that made this message due said (its reason, a moved delivery date,
    # its time): a message shows its own event's facts, never a later or earlier one's
    event_facts: Mapped[dict[str, Any] | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(lazy="joined")


class OptOut(Base):
    __tablename__ = "opt_outs"
    __table_args__ = (UniqueConstraint("shop_id", "channel", "address", name="uq_optouts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """The dev outbox: what would have been sent, as the shopper would see it."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    notification_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MessageEvent(Base):
    """Something that happened to a sent message: a receipt, an open, a click, an opt-out."""

    __tablename__ = "message_events"
    __table_args__ = (Index("ix_message_events_shop_kind", "shop_id", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # queued sent delivered undelivered failed
    #                                                opened clicked opt_out
    provider: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContactChannel(Base):
    """A shopper reachable on a messenger (Telegram chat, Viber user) after opting in."""

    __tablename__ = "contact_channels"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_id", "channel", name="uq_contact_channels"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200))  # chat id, user id
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    unreachable_at: Mapped[datetime | None]


class OptInToken(Base):
    """A single-use, expiring messenger opt-in link, bound to one order and shopper."""

    __tablename__ = "optin_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrackingVisit(Base):
    """A shopper looked at an order instead of asking: the tracking page, widget or proxy."""

    __tablename__ = "tracking_visits"
    __table_args__ = (Index("ix_tracking_visits_shop_at", "shop_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20))  # link lookup widget proxy answer
    visitor: Mapped[str] = mapped_column(String(64))  # salted hash; no IP kept
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShortLink(Base):
    """The short code in SMS and messenger links (`/t/<code>`), one per order."""

    __tablename__ = "short_links"
    __table_args__ = (UniqueConstraint("shop_id", "order_id", name="uq_short_links_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16), unique=True)  # random, never derived from ids
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(Base):
    """The shopper's rating after delivery, one per order (a second one replaces the first)."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("shop_id", "order_id", name="uq_feedback_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OrderNote(Base):
    """A staff member's note on an order ("called the shopper, parcel re-sent"): staff only."""

    __tablename__ = "order_notes"
    __table_args__ = (Index("ix_order_notes_order", "shop_id", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(320))  # the staff member's email
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProblemReport(Base):
    """A shopper's "report a problem / change delivery details", forwarded to the merchant."""

    __tablename__ = "problem_reports"
    __table_args__ = (
        Index("ix_problem_reports_shop_at", "shop_id", "created_at"),
        Index("ix_problem_reports_due", "state", "not_before"),
        Index("ix_problem_reports_open", "shop_id", "handled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # forwarding to the merchant, a job with retries: pending | sending | retry | forwarded | failed
    state: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime | None]
    claim: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None]
    forwarded_to: Mapped[list[Any]] = mapped_column(default=list)  # targets done: email, webhook
    forwarded_at: Mapped[datetime | None]
    forward_error: Mapped[str | None] = mapped_column(Text)
    # the merchant's inbox: open until someone marks it handled
    handled_at: Mapped[datetime | None]
    handled_by: Mapped[str | None] = mapped_column(String(320))

    order: Mapped[Order] = relationship(lazy="joined")


class StaffUser(Base):
    """Someone who signs in to a shop's admin: an owner or a support agent."""

    __tablename__ = "staff_users"
    __table_args__ = (UniqueConstraint("shop_id", "email", name="uq_staff_shop_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="owner")  # owner | agent
    locale: Mapped[str | None] = mapped_column(String(8))  # admin language (None: the browser's)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # part of every session's stamp: bumped on sign-out, which ends every copy of the cookie
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")


class TemplateVersion(Base):
    """Every saved version of a merchant's template, so an earlier one can be restored."""

    __tablename__ = "template_versions"
    __table_args__ = (Index("ix_template_versions_shop_name", "shop_id", "name", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))  # e.g. uk/email/shipped.subject.j2
    source: Mapped[str | None] = mapped_column(Text)  # None: reset to the default
    author: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DataExport(Base):
    """What the shop holds on one customer, gathered for a privacy data request."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(320))  # the customer's email or platform id
    request_ref: Mapped[str | None] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowedParcel(Base):
    """A parcel Wismo follows at its carrier, from its tracking number to its end + a day."""

    __tablename__ = "followed_parcels"
    __table_args__ = (
        UniqueConstraint("shipment_id", name="uq_followed_parcels_shipment"),
        Index("ix_followed_parcels_due", "state", "next_check_at"),
        Index("ix_followed_parcels_shop_number", "shop_id", "number_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"))
    order_external_id: Mapped[str] = mapped_column(String(100))
    shipment_external_id: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(100))  # as the shop gave it
    # numbers.clean(number): what pushes and answers are matched on ("RR 123-…" = "RR123…")
    number_key: Mapped[str] = mapped_column(String(100), default="", server_default="")
    carrier: Mapped[str | None] = mapped_column(String(40))  # slug; None: not recognised yet
    detected_by: Mapped[str | None] = mapped_column(String(10))  # name | number
    candidates: Mapped[list[Any]] = mapped_column(default=list)  # slugs still to try, in order
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the last estimate and branch
    # active | unrecognised | not_found | ended
    state: Mapped[str] = mapped_column(String(16), default="active")
    status: Mapped[str | None] = mapped_column(String(32))  # the carrier's latest, canonical
    next_check_at: Mapped[datetime | None]
    last_checked_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    not_found_since: Mapped[datetime | None]
    flagged_at: Mapped[datetime | None]  # shown to the merchant: no carrier knows the number
    final_at: Mapped[datetime | None]  # delivered or returned: followed one more day
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CarrierScan(Base):
    """One scan of a followed parcel, in the carrier's words and in ours (its history)."""

    __tablename__ = "carrier_scans"
    __table_args__ = (UniqueConstraint("parcel_id", "scan_id", name="uq_carrier_scans_scan"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    parcel_id: Mapped[int] = mapped_column(
        ForeignKey("followed_parcels.id", ondelete="CASCADE"), index=True
    )
    scan_id: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[datetime]
    code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(32))
    location: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PromiseChange(Base):
    """One change of an order's (or a parcel's) delivery date, with its cause (issue 15)."""

    __tablename__ = "promise_changes"
    __table_args__ = (
        Index("ix_promise_changes_order", "order_id", "id"),
        Index("ix_promise_changes_shop_created", "shop_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    shipment_external_id: Mapped[str | None] = mapped_column(String(100))
    earliest: Mapped[date] = mapped_column(Date)
    latest: Mapped[date] = mapped_column(Date)
    cause: Mapped[str] = mapped_column(String(16))  # core.promise.CAUSES
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)  # carrier, zone, transit
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CareWatch(Base):
    """An open order the care job looks at again at `next_care_at` (its due-time index)."""

    __tablename__ = "care_watch"
    __table_args__ = (
        UniqueConstraint("order_id", name="uq_care_watch_order"),
        Index("ix_care_watch_due", "next_care_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    next_care_at: Mapped[datetime | None]  # None: nothing left to watch (closed)
    checked_at: Mapped[datetime | None]


class CareAction(Base):
    """A care step taken once for one order, parcel, rule and cause; what the merchant sees."""

    __tablename__ = "care_actions"
    __table_args__ = (
        UniqueConstraint("shop_id", "order_id", "key", name="uq_care_actions_once"),
        Index("ix_care_actions_shop_at", "shop_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))  # parcel:rule:step:cause
    rule: Mapped[str] = mapped_column(String(20))  # late stalled pickup problem
    step: Mapped[str] = mapped_column(String(10))  # delay flag tell first last
    parcel: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)  # cause, code, messages
    discount_code: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]  # the merchant marked it handled
