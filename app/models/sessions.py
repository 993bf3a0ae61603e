"""The outcome of each USSD session, from the gateway's end-of-session notification."""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
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
