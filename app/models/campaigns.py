"""SMS campaigns: a message, the clients it is for, and when, in each client's local time."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.sms import SmsMessage

CAMPAIGN_STATUSES = ("scheduled", "running", "paused", "cancelled", "finished")


class Campaign(db.Model):
    """A campaign over the customers that match its filters.

    `start_at` / `finish_at` are naive local wall-clock times, read in each client's time
    zone. `filters` maps other customer fields (a column such as `language`, or a key of
    `Customer.fields` such as `county`) to the value a client must have. `status`:
    scheduled (waiting for its first client's window) -> running (sending) -> finished
    (nothing left to send); paused and back; cancelled. `planned_at`: when its recipient
    rows were written (None: not yet).
    The text (a template over `customer`) is the message's.
    """

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("sms_messages.id"), unique=True)
    tag_filter: Mapped[str | None] = mapped_column(String(60))
    operator_code_filter: Mapped[str | None] = mapped_column(String(8))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    finish_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    status: Mapped[str] = mapped_column(String(20), default="scheduled", index=True)
    planned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sms: Mapped[SmsMessage] = relationship(lazy="joined")

    @property
    def message(self) -> str:
        """The message template."""
        return self.sms.text
