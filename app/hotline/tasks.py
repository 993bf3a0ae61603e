"""Celery tasks Celery beat runs for the hotline (see `app.celery_app`'s schedule)."""

from celery import shared_task

from app.hotline import reminders, voicemail


@shared_task(acks_late=True)
def send_due_voicemails() -> int:
    """Email recorded voicemails whose transcript wait is over; returns how many."""
    return voicemail.send_due_voicemails()


@shared_task(acks_late=True)
def send_reminders() -> int:
    """Email tomorrow's volunteers where it is reminder time; returns how many."""
    return reminders.send_reminders()
