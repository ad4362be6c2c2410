"""The tables of the architecture document, as SQLAlchemy 2 typed models.

The schema changes only through migrations/ (Flask-Migrate); these classes describe it.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app, has_app_context
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String,
                        Text, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session
from sqlalchemy.types import TypeDecorator

from backend.domain.clock import as_utc, utcnow
from backend.domain.status import PENDING, EndpointStatus, OrderStatus, PaymentStatus, RefundStatus, WebhookStatus
from backend.keyring import Keyring


class UTCDateTime(TypeDecorator):
    """Aware UTC in Python on both databases (SQLite would otherwise hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    pass


# The app.extensions entry holding what every db.session opened in that app's contexts starts its `info`
# with (backend/runtime.py puts the runtime's job queue there).
SESSION_INFO = "paygate.session_info"


class AppSession(FlaskSession):
    """db.session's class: it takes its app's session info when it is made, so a request that never
    touches the session (an autocommit read or insert) never makes one (binding one at every app context
    push cost about a tenth of a get-order's CPU)."""

    def __init__(self, db: SQLAlchemy, **kwargs: Any) -> None:
        super().__init__(db, **kwargs)
        if has_app_context():
            self.info.update(current_app.extensions.get(SESSION_INFO, {}))


def made(session: Any) -> Any:
    """The Session behind `session` if there is one: `session` itself, or for a scoped session (db.session)
    the one this context has made, else None. Asking a scoped session anything (`info`, `in_transaction()`)
    makes one, and making and removing it is a tenth of a create-order's CPU (bench.app_cpu)."""
    if isinstance(session, scoped_session):
        return session.registry() if session.registry.has() else None
    return session


# Objects keep the values just written after COMMIT: serialising a response must not reload every row.
# (Locked reads refresh explicitly: services.common.get_for_update.)
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False, "class_": AppSession})

_PENDING = text(f"status = '{PENDING}'")  # the partial indexes' condition: the rows the sweeper scans


class Merchant(db.Model):
    __tablename__ = "merchants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255), unique=True)
    api_key: Mapped[str] = mapped_column(String(64), unique=True)
    # No secret is stored in clear (backend/keyring.py): the API secret is checked against a keyed hash
    # and kept encrypted only because the dashboard shows it; the webhook secret is encrypted.
    api_secret_hash: Mapped[str] = mapped_column(String(64))
    api_secret_encrypted: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    webhook_url: Mapped[str | None] = mapped_column(String(2048))
    webhook_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # The keyring is the runtime's (Config.keyring): a model holds no keys of its own.
    def api_secret(self, ring: Keyring) -> str:
        return ring.decrypt(self.api_secret_encrypted)

    def set_api_secret(self, ring: Keyring, value: str) -> None:
        self.api_secret_hash = ring.secret_hash(value)
        self.api_secret_encrypted = ring.encrypt(value)

    def webhook_secret(self, ring: Keyring) -> str | None:
        return None if self.webhook_secret_encrypted is None else ring.decrypt(self.webhook_secret_encrypted)

    def set_webhook_secret(self, ring: Keyring, value: str | None) -> None:
        self.webhook_secret_encrypted = None if value is None else ring.encrypt(value)


class MerchantSession(db.Model):
    """A dashboard session: a revocable bearer token issued at login. Only its SHA-256 is stored (the token
    is 256 random bits, so an unkeyed hash cannot be reversed and survives key rotation)."""

    __tablename__ = "merchant_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Order(db.Model):
    __tablename__ = "orders"
    # Every list is (filter..., created_at, id) newest first: one composite index per filter serves the
    # page and the cursor; a lone merchant_id index would be its redundant prefix.
    __table_args__ = (Index("ix_orders_merchant_created", "merchant_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="INR")
    receipt: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.CREATED.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_merchant_created", "merchant_id", "created_at", "id"),
        Index("ix_payments_merchant_status_created", "merchant_id", "status", "created_at", "id"),
        Index("ix_payments_merchant_method_created", "merchant_id", "method", "created_at", "id"),
        Index("ix_payments_order_created", "order_id", "created_at", "id"),
        # The sweeper's scan: only rows still waiting for the processor.
        Index("ix_payments_pending_ready", "ready_at", postgresql_where=_PENDING, sqlite_where=_PENDING),
        # The dashboard's filter by failure reason.
        Index("ix_payments_merchant_reason", "merchant_id", "error_reason"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"))
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=PaymentStatus.PENDING.value)
    vpa: Mapped[str | None] = mapped_column(String(255))
    card_network: Mapped[str | None] = mapped_column(String(20))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_description: Mapped[str | None] = mapped_column(String(255))
    # Why it failed, where and at which step (domain.errors.FAILURE_REASONS); null unless failed.
    error_reason: Mapped[str | None] = mapped_column(String(50))
    error_source: Mapped[str | None] = mapped_column(String(20))
    error_step: Mapped[str | None] = mapped_column(String(40))
    # What a pending payment waits for (domain.status.PaymentWait); ready_at is then the wait's deadline.
    waiting_for: Mapped[str | None] = mapped_column(String(20))
    authentication_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    card_issuer: Mapped[str | None] = mapped_column(String(64))
    # Where the standalone authentication page sends the shopper afterwards (payment create's return_url).
    return_url: Mapped[str | None] = mapped_column(String(2048))
    captured: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # The acquirer's reference for this attempt; never card data.
    processor_ref: Mapped[str | None] = mapped_column(String(64))
    # When the processor's answer is due: the job is scheduled for it, the sweeper watches it.
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Not a column: what the services compute (services.refunds.with_refundable) for the API's field; left
    # None, serialising the payment fails instead of saying a wrong amount.
    amount_refundable = None


class Refund(db.Model):
    __tablename__ = "refunds"
    __table_args__ = (
        Index("ix_refunds_merchant_created", "merchant_id", "created_at", "id"),
        Index("ix_refunds_payment_created", "payment_id", "created_at", "id"),
        Index("ix_refunds_pending_ready", "ready_at", postgresql_where=_PENDING, sqlite_where=_PENDING),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"))
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=RefundStatus.PENDING.value)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Event(db.Model):
    """Something that happened to a merchant's object, stored once (`evt_...`, docs/api.md §10), whether or
    not any endpoint wants it; each endpoint that does gets a WebhookDelivery of it. Ids are time-ordered
    and carry created_at's millisecond, so a look-up by id reads one of the weekly partitions."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_merchant_created", "merchant_id", "created_at", "id"),
        Index("ix_events_merchant_type_created", "merchant_id", "type", "created_at", "id"),
        Index("ix_events_object_created", "object_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    type: Mapped[str] = mapped_column(String(50))
    # The object the event is about (the refund for refund events), and its payment.
    object_id: Mapped[str | None] = mapped_column(String(64))
    payment_id: Mapped[str | None] = mapped_column(String(64))
    # The envelope every delivery sends (domain.events.envelope), serialised by domain.signing.canonical_body.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Part of the key, as on webhook_logs: on PostgreSQL the table is partitioned by it (services/retention.py).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, primary_key=True)


class WebhookEndpoint(db.Model):
    """A URL beyond the contract's webhook_url (which is the primary endpoint, ids.PRIMARY_ENDPOINT, kept on
    the merchant), with its own secret and the event types it wants."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_merchant_created", "merchant_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(255))
    enabled_events: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=EndpointStatus.ENABLED.value)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def secret(self, ring: Keyring) -> str:
        return ring.decrypt(self.secret_encrypted)

    def set_secret(self, ring: Keyring, value: str) -> None:
        self.secret_encrypted = ring.encrypt(value)


class WebhookDelivery(db.Model):
    """One endpoint's copy of one event, with its attempts: what `/api/v1/webhooks` lists (the table keeps
    its first name, webhook_logs). `event_id` and `endpoint_id` are null on rows made before events
    existed (their payload is their own) and endpoint_id is null for the primary endpoint."""

    __tablename__ = "webhook_logs"
    __table_args__ = (
        Index("ix_webhook_logs_merchant_created", "merchant_id", "created_at", "id"),
        Index("ix_webhook_logs_payment_created", "payment_id", "created_at", "id"),
        Index("ix_webhook_logs_pending_next_retry", "next_retry_at",
              postgresql_where=_PENDING, sqlite_where=_PENDING),
        Index("ix_webhook_logs_event", "event_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    # The payment the event is about, so a payment's page can list its events.
    payment_id: Mapped[str | None] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(50))  # the event's type
    event_id: Mapped[str | None] = mapped_column(String(32))
    endpoint_id: Mapped[str | None] = mapped_column(String(32))
    # Only on rows made before events existed; a delivery of an event sends the event's payload.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    status: Mapped[str] = mapped_column(String(20), default=WebhookStatus.PENDING.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    # Part of the key: on PostgreSQL the table is partitioned by it (services/retention.py), and a
    # partitioned table's primary key must hold the partition key. The id (a version-7 UUID) carries it.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, primary_key=True)


# The delivery's first name, kept while branches written against it merge.
WebhookLog = WebhookDelivery


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_expires_at", "expires_at"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), primary_key=True, index=True)
    # Hash of method, path and body: the same key with another request is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    # SQL NULL while the first request runs (none_as_null: a plain JSON column would store the JSON text
    # 'null', which `IS NULL` never matches, so a refused request's key was never released); then
    # {"status": int, "body": str} (the exact bytes sent).
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # Written by the effect's own transaction (services/idempotency.py): {"rows": [[table, id], ...]}, what
    # it wrote, so a key whose answer was lost with its process is rebuilt, never run a second time.
    effect: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # Part of the key on PostgreSQL, where the table is partitioned by it: (key, merchant_id) is then
    # unique only within a partition, and services/idempotency.py keeps it unique across them. SQLite's
    # primary key is (key, merchant_id).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MerchantTotal(db.Model):
    """Running totals: how many objects of a kind (and their amount) a merchant has per UTC day, method and
    status. Every write that creates or moves a payment, refund or order adjusts them in its own
    transaction (services/totals.py), so stats and list totals read O(days) rows instead of scanning.

    `shard` gives each database connection its own row (services/totals.py shard_of), so concurrent
    writers of one merchant never wait on one row lock; readers sum over shards, and the sweeper folds
    past days into shard 0 (totals.compact)."""
    __tablename__ = "merchant_totals"
    __table_args__ = (
        # compact()'s scan: only rows not folded yet.
        Index("ix_merchant_totals_unfolded", "day", postgresql_where=text("shard <> 0"),
              sqlite_where=text("shard <> 0")),
    )

    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # payment | refund | order
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # UTC day of the object's created_at
    method: Mapped[str] = mapped_column(String(10), primary_key=True)  # payments: upi | card; else ""
    status: Mapped[str] = mapped_column(String(20), primary_key=True)  # orders: "" (counted once, created)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
