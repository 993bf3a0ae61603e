"""Customers: the phone users Sauti knows."""

from datetime import datetime, time
from typing import Any

import phonenumbers
from sqlalchemy import JSON, DateTime, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.extensions import db
from app.models.base import utcnow


def operator_code(msisdn: str) -> str | None:
    """The number's national destination code ("+254711000001" -> "711"), which names the
    mobile operator's range; None when `phonenumbers` cannot split the number."""
    try:
        number = phonenumbers.parse(msisdn)
    except phonenumbers.NumberParseException:
        return None
    length = phonenumbers.length_of_national_destination_code(number)
    return phonenumbers.national_significant_number(number)[:length] or None


class Customer(db.Model):
    """A registered phone user, and a client of SMS campaigns.

    `fields` holds what surveys store on the customer beyond the fixed columns (e.g.
    gender, county, crops); `tags` is a list of strings. For campaigns: `tag` (one label a
    campaign can filter on), `operator_code` (derived from the MSISDN, kept in step by a
    validator), `timezone` (IANA; None means DEFAULT_TIMEZONE) and the daily notification
    window `notify_from`-`notify_to` (local times; None: any time). `opted_out_at` and
    `opt_out_source` record an opt-out from every campaign and bulletin.
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
    tag: Mapped[str | None] = mapped_column(String(60), index=True)
    operator_code: Mapped[str | None] = mapped_column(String(8), index=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    notify_from: Mapped[time | None] = mapped_column(Time)
    notify_to: Mapped[time | None] = mapped_column(Time)
    opted_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opt_out_source: Mapped[str | None] = mapped_column(String(40))

    @validates("msisdn")
    def _derive_operator_code(self, _key: str, msisdn: str) -> str:
        self.operator_code = operator_code(msisdn)
        return msisdn

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
