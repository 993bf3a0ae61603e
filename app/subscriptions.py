"""Subscriptions: whether a customer's is active, lapsed, or never was.

Kept small on purpose: the call centre's priority queue needs only this; billing and
renewals build on the same `subscriptions` table.
"""

from datetime import UTC, datetime

from sqlalchemy import select

from app import customers
from app.extensions import db
from app.models import Subscription
from app.models.base import upsert, utc

ACTIVE = "active"
LAPSED = "lapsed"


def is_active(subscription: Subscription, at: datetime) -> bool:
    """True when the subscription is "active" and not expired at `at` (aware)."""
    expires = utc(subscription.expires_at)
    return subscription.status == ACTIVE and (expires is None or expires > at)


def subscription_status(msisdn: str, at: datetime | None = None) -> str | None:
    """ "active" (any product), "lapsed" (subscribed once, none active now) or None (never
    subscribed, or not a customer) for an E.164 MSISDN at `at` (default now)."""
    customer = customers.find(msisdn)
    if customer is None:
        return None
    rows = db.session.scalars(select(Subscription).where(Subscription.customer_id == customer.id))
    moment = at or datetime.now(UTC)
    found = [is_active(row, moment) for row in rows]
    if not found:
        return None
    return ACTIVE if any(found) else LAPSED


def subscribe(
    customer_id: int, product: str, expires_at: datetime | None, status: str = ACTIVE
) -> None:
    """Create or renew a customer's subscription to `product` (not committed)."""
    upsert(
        Subscription,
        ["customer_id", "product"],
        customer_id=customer_id,
        product=product,
        status=status,
        expires_at=expires_at,
    )
