"""Weekly tips (iShamba): each active "tips" subscriber gets the week's tip of the series
for their commodity.

Calendar series pick the tip by the ISO week number of the sending day (late December can
be week 1 of the next ISO year, early January week 52 or 53 of the last); event series by
whole weeks since the subscription's `epoch_date`. One message per tip, so no subscriber
ever gets the same tip twice, however often this runs.
"""

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, Subscription, Tip, TipSeries
from app.sms.messages import add_recipients, count_recipients, message_for
from app.subscriptions import active_on


def weeks_since(epoch: date, day: date) -> int:
    """Whole weeks from `epoch` to `day`: 0 during the first week, negative before it."""
    return (day - epoch).days // 7


def _subscribers(series: TipSeries, day: date, extra: Any = None) -> Any:
    subscriptions = select(Subscription.customer_id).where(
        active_on(day), Subscription.product == "tips", Subscription.commodity == series.commodity
    )
    if extra is not None:
        subscriptions = subscriptions.where(extra)
    return select(Customer).where(Customer.id.in_(subscriptions))


def _due_tips(series: TipSeries, day: date) -> list[tuple[Tip, Any]]:
    """(tip, its subscribers) pairs due on `day`."""
    if series.kind == "calendar":
        week = day.isocalendar().week
        tip = db.session.scalar(select(Tip).where(Tip.series_id == series.id, Tip.week == week))
        return [(tip, _subscribers(series, day))] if tip else []
    pairs = []
    for tip in db.session.scalars(select(Tip).where(Tip.series_id == series.id)):
        # weeks_since(epoch, day) == tip.week  <=>  epoch in (day - 7(w+1), day - 7w]
        latest = day - timedelta(days=7 * tip.week)
        earliest = latest - timedelta(days=6)
        epoch = Subscription.epoch_date.between(earliest, latest)
        pairs.append((tip, _subscribers(series, day, epoch)))
    return pairs


def plan_tips(day: date, now: datetime) -> int:
    """Plan the week's tips for `day`, due now, for 3 days.

    Returns:
        how many recipient rows were added.
    """
    config = current_app.config
    added = 0
    for series in list(db.session.scalars(select(TipSeries).order_by(TipSeries.id))):
        for tip, subscribers in _due_tips(series, day):
            message = message_for(f"tip:{tip.id}", "tip", tip.text, config, service="tips")
            added += add_recipients(message, subscribers, now, now + timedelta(days=3))
            count_recipients(message)
            db.session.commit()
    return added
