"""Celery task for session housekeeping: drop hop outcomes no retry can still need."""

from celery import shared_task

from app.sessions import outcomes


@shared_task(acks_late=True)
def prune_outcomes(older_than_seconds: int = outcomes.RETENTION_SECONDS) -> int:
    """Delete hop outcomes older than `older_than_seconds` (a day by default: retries come
    within a session's TTL). Run by Celery beat every hour.

    Returns:
        how many were deleted.
    """
    return outcomes.prune(older_than_seconds)
