"""Subscriptions: who is an active subscriber of what, on a given day.

`Subscription` (app.models.subscriptions) is the one subscription model: billing
(`billing`), forecasts (`forecasts`) and tips (`tips`) all read it.
"""

from datetime import date
from typing import Any

from sqlalchemy import and_, exists, or_, select

from app.extensions import db
from app.models import Customer, Location, Subscription


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
