"""Subscriptions: what a customer pays for (e.g. iShamba's service), and until when."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class Subscription(db.Model):
    """A customer's subscription to one product.

    Active when `status` is "active" and `expires_at` is unset or still ahead; otherwise
    lapsed. One row per customer and product: renewing updates it.
    """

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("customer_id", "product", name="one_subscription_per_product"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    product: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12), default="active")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
