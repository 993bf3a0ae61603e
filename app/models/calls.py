"""Phone calls: one row per call, inbound or outbound, on any voice gateway."""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class Call(db.Model):
    """One call, from its first callback to its final one.

    `msisdn` is the phone user (the caller on inbound calls, the callee on outbound ones),
    `our_number` the gateway number; both E.164. The final callback fills `ended_at`,
    `duration_seconds`, `cost` / `currency` (when the gateway reports them), `outcome`
    (completed, no-answer, busy, failed, canceled) and `hangup_cause`; a repeated final
    callback changes nothing.

    Sources: Twilio status callbacks (`CallStatus`, `CallDuration`); Africa's Talking
    voice final request (`isActive=0`, `durationInSeconds`, `amount`, `currencyCode`,
    `hangupCause`).
    """

    __tablename__ = "calls"
    __table_args__ = (UniqueConstraint("gateway", "call_id", name="one_call"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway: Mapped[str] = mapped_column(String(30))
    call_id: Mapped[str] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(10))
    msisdn: Mapped[str] = mapped_column(String(40), index=True)
    our_number: Mapped[str] = mapped_column(String(40))
    definition: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(20), default="ringing")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    cost: Mapped[str] = mapped_column(String(30), default="")
    currency: Mapped[str] = mapped_column(String(3), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="")
    hangup_cause: Mapped[str] = mapped_column(String(60), default="")
    outbox_id: Mapped[int | None] = mapped_column(Integer)
