"""Celery task for campaigns: planning (on the default queue; sends go on `campaigns`)."""

from celery import shared_task

from app.campaigns import service


@shared_task(acks_late=True, reject_on_worker_lost=True)
def plan_campaign(campaign_id: int) -> int:
    """Write the campaign's recipient rows if not done yet; returns how many were added."""
    return service.plan_due(campaign_id)
