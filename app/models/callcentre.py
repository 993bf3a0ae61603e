"""The call centre: queues callers wait in, the agent phones that take them, one entry per
queued call, and the registration offers made to unknown callers."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

OUTCOMES = ("waiting", "answered", "abandoned")


class CallQueue(db.Model):
    """A queue: callers dial `number` and wait with `hold_music_url`; agents call
    `dequeue_number` to take the longest-waiting caller.

    Several queues may share a number: callers who may queue go to the one with the highest
    `priority`, and an agent's dequeue takes from its queues highest priority first.
    `greetings` maps a language code to what callers hear before the hold music.
    """

    __tablename__ = "callcentre_queues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    number: Mapped[str] = mapped_column(String(20), index=True)
    dequeue_number: Mapped[str] = mapped_column(String(20), index=True)
    hold_music_url: Mapped[str] = mapped_column(String(500), default="")
    greetings: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AgentPhone(db.Model):
    """A phone registered to take calls from a queue (its calls to the dequeue number are
    accepted); one phone may serve several queues."""

    __tablename__ = "callcentre_agent_phones"
    __table_args__ = (UniqueConstraint("queue_id", "phone", name="one_agent_phone_per_queue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("callcentre_queues.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    queue: Mapped[CallQueue] = relationship()


class QueueEntry(db.Model):
    """One caller's time in a queue, keyed by their call (`gateway` + `call_id`).

    `outcome`: "waiting" -> "answered" (an agent's call took it: `dequeued_by`,
    `agent_call_id`, `dequeued_at`) or "abandoned" (the caller hung up first).
    `waited_seconds` is set when the wait ends; `ended_at` when the call ends.
    """

    __tablename__ = "callcentre_queue_entries"
    __table_args__ = (UniqueConstraint("gateway", "call_id", name="one_queue_entry_per_call"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("callcentre_queues.id"), index=True)
    gateway: Mapped[str] = mapped_column(String(20))
    call_id: Mapped[str] = mapped_column(String(100))
    caller: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(12), default="waiting", index=True)
    enqueued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    dequeued_by: Mapped[str | None] = mapped_column(String(20))
    agent_call_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    dequeued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    waited_seconds: Mapped[int | None] = mapped_column(Integer)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    queue: Mapped[CallQueue] = relationship()


class RegistrationOffer(db.Model):
    """An unknown caller to a queue was offered registration by USSD (an SMS through the
    outbox): one row per call; `outbox_id` is None when today's SMS had already gone."""

    __tablename__ = "callcentre_registration_offers"
    __table_args__ = (UniqueConstraint("gateway", "call_id", name="one_offer_per_call"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("callcentre_queues.id"), index=True)
    gateway: Mapped[str] = mapped_column(String(20))
    call_id: Mapped[str] = mapped_column(String(100))
    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    offered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
