"""Celery tasks for subscriptions: billing attempts and the periodic bulletins."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from celery import shared_task
from flask import current_app

from app.models.base import utcnow
from app.sms.dispatch import dispatch_due
from app.subscriptions import billing
from app.subscriptions.forecasts import plan_forecasts
from app.subscriptions.tips import plan_tips


def local_today(now: datetime) -> date:
    """Today's date in DEFAULT_TIMEZONE (bulletins are dated by the service's day)."""
    return now.astimezone(ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])).date()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def bill_subscription(subscription_id: int) -> str:
    """One billing attempt (see `billing.bill`)."""
    return billing.bill(subscription_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_forecasts() -> int:
    """Plan today's forecasts for their subscribers and dispatch them; returns rows added."""
    now = utcnow()
    added = plan_forecasts(local_today(now), now)
    dispatch_due(now)
    return added


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_tips() -> int:
    """Plan this week's tips for their subscribers and dispatch them; returns rows added."""
    now = utcnow()
    added = plan_tips(local_today(now), now)
    dispatch_due(now)
    return added
