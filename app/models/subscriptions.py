"""Subscriptions to bulletins (forecasts, premium county forecasts, tips), their billing,
and what is sent to subscribers: forecasts per location and tip series per commodity."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
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

SUBSCRIPTION_STATUSES = ("pending", "active", "cancelled")


class Subscription(db.Model):
    """A customer's subscription to one product.

    `product`: "forecasts" (daily forecast of `location`), "premium" (county forecasts, for
    the customer's `category`), "tips" (the tip series of `commodity`), or any other name
    a deployment sells. `status`: pending (waiting to be billed) -> active, or cancelled
    (`cancel_reason`: "billing", "import", ...). It is active on days from `starts_on` to
    `expires_on` (None: open-ended). `epoch_date` anchors event-based tips (e.g. planting).
    """

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_product_status", "product", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    product: Mapped[str] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(60))
    commodity: Mapped[str | None] = mapped_column(String(60))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    starts_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    epoch_date: Mapped[date | None] = mapped_column(Date)
    billing_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_billing_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    billed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BillingAttempt(db.Model):
    """One call to the billing backend for a subscription, and what it answered."""

    __tablename__ = "billing_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    backend: Mapped[str] = mapped_column(String(20))
    ok: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Forecast(db.Model):
    """A forecast to send on `for_date` to the subscribers of a location.

    `kind`: "daily" (to "forecasts" subscribers of the location or a place inside it) or
    "county" (to "premium" subscribers in the county, only those whose category is in
    `categories` when that list is not empty).
    """

    __tablename__ = "forecasts"
    __table_args__ = (UniqueConstraint("location_id", "for_date", "kind", name="one_per_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    for_date: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20), default="daily")
    text: Mapped[str] = mapped_column(Text)
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TipSeries(db.Model):
    """The weekly tips for one commodity.

    `kind`: "calendar" (a tip's `week` is the ISO week number, 1-53) or "event" (`week` is
    the number of whole weeks since the subscription's `epoch_date`, 0 in the first week).
    """

    __tablename__ = "tip_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    commodity: Mapped[str] = mapped_column(String(60), index=True)
    kind: Mapped[str] = mapped_column(String(20))


class Tip(db.Model):
    """One tip of a series, for one week."""

    __tablename__ = "tips"
    __table_args__ = (UniqueConstraint("series_id", "week", name="one_per_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("tip_series.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
