"""Celery tasks for imports (default queue)."""

from celery import shared_task

from app.imports import service
from app.models.base import utcnow


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import(job_id: str) -> str:
    """Run one import job (see `service.run`); returns its final status."""
    return service.run(job_id)


@shared_task(acks_late=True)
def purge_imports() -> int:
    """Expire the details of old imports (daily); returns how many."""
    return service.purge(utcnow())
