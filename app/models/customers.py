"""Customers: the phone users Sauti knows."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class Customer(db.Model):
    """A registered phone user.

    `fields` holds what surveys store on the customer beyond the fixed columns (e.g.
    gender, county, crops); `tags` is a list of strings.
    """

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    pin_failures: Mapped[int] = mapped_column(Integer, default=0)
    pin_locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def snapshot(self) -> dict[str, Any]:
        """Plain data for templates and session state (never the PIN hash)."""
        return {
            **(self.fields or {}),
            "id": self.id,
            "msisdn": self.msisdn,
            "name": self.name,
            "city": self.city,
            "language": self.language,
            "tags": list(self.tags or []),
            "has_pin": self.pin_hash is not None,
        }
