"""Subscriptions: who is an active subscriber of what, on a given day.

`Subscription` (app.models.subscriptions) is the one subscription model: billing
(`billing`), forecasts (`forecasts`) and tips (`tips`) all read it.
"""

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, exists, or_, select

from app import customers
from app.extensions import db
from app.models import Customer, Location, Subscription

ACTIVE = "active"
LAPSED = "lapsed"


def local_today(now: datetime) -> date:
    """Today's date in DEFAULT_TIMEZONE (bulletins and subscriptions are dated by the
    service's day)."""
    return now.astimezone(ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])).date()


def active_on(day: date) -> Any:
    """The condition for a subscription active on `day`."""
    return and_(
        Subscription.status == "active",
        Subscription.starts_on <= day,
        or_(Subscription.expires_on.is_(None), Subscription.expires_on >= day),
    )


def is_active_subscriber(customer: Customer, day: date, product: str | None = None) -> bool:
    """Whether the customer has an active subscription on `day` (to `product`, if given)."""
    query = exists().where(Subscription.customer_id == customer.id, active_on(day))
    if product is not None:
        query = query.where(Subscription.product == product)
    return bool(db.session.scalar(select(query)))


def within(location_id: int) -> Any:
    """Ids of a place and every place inside it (county -> sub-county -> ward)."""
    children = select(Location.id).where(Location.parent_id == location_id)
    grandchildren = select(Location.id).where(Location.parent_id.in_(children))
    return select(Location.id).where(
        or_(
            Location.id == location_id,
            Location.id.in_(children),
            Location.id.in_(grandchildren),
        )
    )


def subscription_status(msisdn: str, at: datetime | None = None) -> str | None:
    """ "active" (a subscription to any product active on the service's day of `at`,
    default now), "lapsed" (subscribed once, none active) or None (never subscribed, or
    not a customer), for an E.164 MSISDN."""
    customer = customers.find(msisdn)
    if customer is None:
        return None
    ever = exists().where(Subscription.customer_id == customer.id)
    if not db.session.scalar(select(ever)):
        return None
    day = local_today(at or datetime.now(UTC))
    return ACTIVE if is_active_subscriber(customer, day) else LAPSED


def subscribe(
    customer_id: int, product: str, starts_on: date, expires_on: date | None
) -> Subscription:
    """Add an active subscription to `product` from `starts_on` to `expires_on` (inclusive;
    None: open-ended) to the current transaction (not committed)."""
    subscription = Subscription(
        customer_id=customer_id,
        product=product,
        status=ACTIVE,
        starts_on=starts_on,
        expires_on=expires_on,
    )
    db.session.add(subscription)
    return subscription
