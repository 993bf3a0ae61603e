"""Bulk SMS: one message, many recipients, one row per (message, recipient).

The recipient row is written before the gateway is called, and its unique constraint on
(message, MSISDN) is what keeps a message from ever going twice to one number.
"""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow

# Lifecycle of a recipient row. Before the gateway: planned (waiting for `due_at`) ->
# queued (a send task has it) -> sending (claimed by that task, gateway being called).
# After: the gateway's word, then its delivery reports (Africa's Talking SMS, "Delivery
# reports"): sent / submitted / buffered are interim, the rest final.
PENDING_STATUSES = ("planned", "queued", "sending")
INTERIM_STATUSES = ("sent", "submitted", "buffered")
DELIVERY_FINAL_STATUSES = ("success", "rejected", "failed", "absent_subscriber", "expired")
# Never sent: refused (international or invalid number), opted_out, cancelled, missed (the
# sending window closed first), unknown (the process died inside the gateway call).
UNSENT_STATUSES = ("refused", "opted_out", "cancelled", "missed", "unknown")


class SmsMessage(db.Model):
    """One text to send to many recipients.

    `kind`: campaign | forecast | tip | notice. `key` names what the message is for
    ("campaign:7", "forecast:12", "tip:3"), so creating it twice gives the same row.
    `text` is a Jinja template over the recipient (`customer`) when `templated`.
    `sender_id` is the sender id or short code of `service` (SMS_SENDER_IDS).
    `recipient_count` decides the gateway's `enqueue` flag (SMS_ENQUEUE_THRESHOLD).
    """

    __tablename__ = "sms_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    service: Mapped[str] = mapped_column(String(40))
    sender_id: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    templated: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_international: Mapped[bool] = mapped_column(Boolean, default=False)
    recipient_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SmsRecipient(db.Model):
    """One recipient of one message, and everything known about its delivery.

    `due_at`-`expires_at` (UTC) is when it may go (None: no end). `claimed_by` is the send
    task that owns a `sending` row; `gateway_id` the gateway's messageId, which delivery
    reports name. `attempts` counts gateway calls (at most MAX_SMS_TRY_LIMIT).
    """

    __tablename__ = "sms_recipients"
    __table_args__ = (
        UniqueConstraint("message_id", "msisdn", name="once"),
        Index("ix_sms_recipients_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("sms_messages.id", ondelete="CASCADE"))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    msisdn: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    gateway_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    failure_reason: Mapped[str | None] = mapped_column(String(60))
    network_code: Mapped[str | None] = mapped_column(String(10))
    retry_count: Mapped[int | None] = mapped_column(Integer)
    cost: Mapped[str | None] = mapped_column(String(30))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DevelopmentSms(db.Model):
    """What the development SMS backend would have sent: one row per recipient per call,
    written in a transaction of its own, as a gateway's records would be."""

    __tablename__ = "development_sms"

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway_id: Mapped[str] = mapped_column(String(100), unique=True)
    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    text: Mapped[str] = mapped_column(Text)
    sender_id: Mapped[str | None] = mapped_column(String(20))
    enqueue: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IncomingSms(db.Model):
    """One SMS a phone user sent to one of our short codes, and what Sauti answered.

    `gateway_id` is the gateway's message id (AT `id`): its unique constraint is what makes
    a re-posted callback a duplicate, answered with the stored `reply` and run no further.
    `handled_as` says what Sauti made of it: a keyword's action ("join", "stop", "help"),
    "conversation" (an open SMS conversation took it) or "unknown" (answered with help).
    `received_at` is the gateway's `date` when it sent one (UTC), else when it arrived.
    """

    __tablename__ = "incoming_sms"

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway: Mapped[str] = mapped_column(String(20), default="africastalking")
    gateway_id: Mapped[str] = mapped_column(String(100), unique=True)
    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    short_code: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    link_id: Mapped[str | None] = mapped_column(String(100))
    network_code: Mapped[str | None] = mapped_column(String(10))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    keyword: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(8))
    handled_as: Mapped[str | None] = mapped_column(String(20))
    reply: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
