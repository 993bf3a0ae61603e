"""USSD sessions in SQL: each session's outcome (the gateway's end-of-session
notification) and the outcome of each hop that changed SQL."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class UssdSessionRecord(db.Model):
    """One finished session: status Success / Incomplete / Failed, hops and duration.

    Source: Africa's Talking USSD "Notifications" (end-of-session callback).
    """

    __tablename__ = "ussd_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(100), unique=True)
    gateway: Mapped[str] = mapped_column(String(30))
    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    service_code: Mapped[str] = mapped_column(String(40), default="")
    network_code: Mapped[str] = mapped_column(String(10), default="")
    status: Mapped[str] = mapped_column(String(20))
    hops: Mapped[int] = mapped_column(Integer, default=0)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    cost: Mapped[str] = mapped_column(String(30), default="")
    last_response: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HopOutcome(db.Model):
    """What one hop that changed SQL answered, committed in the same transaction as the
    change: the hop's truth, which a retry of the hop answers with (as a stored
    idempotent response) whatever Redis holds.

    `hop_key` is the keyed digest of the hop's identity (AT's `text` holds PINs, so it is
    never stored as it came); `state` is the session's plain-data state after the hop
    (`InterrogationSession.to_state()`), whose `screens[page]` is what the caller read.
    """

    __tablename__ = "hop_outcomes"
    __table_args__ = (UniqueConstraint("session_id", "hop_key", name="one_outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(100))
    hop_key: Mapped[str] = mapped_column(String(32))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
