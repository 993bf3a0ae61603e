"""The outbox: work that leaves the process, written in the transaction that caused it."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class OutboxMessage(db.Model):
    """One SMS, airtime top-up, call or email to perform.

    `status`: pending -> sent | failed. `result` records what the backend sent or answered,
    so a redelivered task finds `sent` and sends nothing twice.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))  # an MSISDN or an email address
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    backend: Mapped[str] = mapped_column(String(30), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
