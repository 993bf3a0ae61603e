"""Forecast bulletins: each day's forecasts to the active subscribers of their location.

A "daily" forecast goes to "forecasts" subscribers of the place or any place inside it; a
"county" forecast (iShamba) to "premium" subscribers in the county, only those of the
forecast's categories when it names any. One message per forecast, so a subscriber gets
each forecast once however often this runs; a failed send is retried up to
MAX_SMS_TRY_LIMIT times.
"""

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, Forecast, Subscription
from app.sms.messages import add_recipients, count_recipients, message_for
from app.subscriptions import active_on, within

PRODUCTS = {"daily": "forecasts", "county": "premium"}


def subscribers(forecast: Forecast, day: date) -> Any:
    """`select(Customer)` of the forecast's recipients on `day`."""
    subscriptions = select(Subscription.customer_id).where(
        active_on(day),
        Subscription.product == PRODUCTS[forecast.kind],
        Subscription.location_id.in_(within(forecast.location_id)),
    )
    if forecast.kind == "county" and forecast.categories:
        subscriptions = subscriptions.where(Subscription.category.in_(forecast.categories))
    return select(Customer).where(Customer.id.in_(subscriptions))


def plan_forecasts(day: date, now: datetime) -> int:
    """Plan every forecast for `day` for its subscribers, due now, for 24 hours.

    Returns:
        how many recipient rows were added.
    """
    config = current_app.config
    added = 0
    for forecast in list(db.session.scalars(select(Forecast).where(Forecast.for_date == day))):
        message = message_for(
            f"forecast:{forecast.id}", "forecast", forecast.text, config, service="forecasts"
        )
        added += add_recipients(message, subscribers(forecast, day), now, now + timedelta(days=1))
        count_recipients(message)
        db.session.commit()
    return added
