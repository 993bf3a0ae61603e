"""Celery tasks for subscriptions: billing attempts and the periodic bulletins."""

from celery import shared_task

from app.models.base import utcnow
from app.sms.dispatch import dispatch_due
from app.subscriptions import billing, local_today
from app.subscriptions.forecasts import plan_forecasts
from app.subscriptions.tips import plan_tips


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
