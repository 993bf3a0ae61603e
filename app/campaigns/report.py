"""The daily statistics email (Fabrique SMSending's): yesterday's campaigns created,
messages sent, delivery rate and busiest hour, to STATS_EMAIL_RECIPIENTS, once a day
(STATS_EMAIL_SCHEDULE, 07:00 UTC by default) through the outbox."""

import logging
from datetime import date, timedelta

from celery import shared_task
from flask import current_app

from app import outbox
from app.campaigns.stats import daily_statistics
from app.mail import queue_email
from app.models.base import utcnow

log = logging.getLogger(__name__)


def statistics_text(figures: dict) -> str:
    """The email's body: one figure per line."""
    rate = figures["delivery_rate"]
    busiest = figures["busiest_hour"]
    lines = [
        f"Sauti statistics for {figures['date']} (UTC)",
        "",
        f"Campaigns created: {figures['campaigns_created']}",
        f"Messages sent: {figures['messages_sent']}",
        f"Delivered: {figures['delivered']}",
        f"Delivery rate: {'n/a' if rate is None else f'{rate:.1%}'}",
        "Busiest hour: "
        + (f"{busiest} ({figures['busiest_hour_messages']} messages)" if busiest else "n/a"),
    ]
    return "\n".join(lines) + "\n"


def queue_daily_statistics(day: date) -> int:
    """Queue the statistics of UTC day `day` to every recipient and commit; an email
    already queued for that day and recipient is not queued again.

    Returns:
        how many emails were queued now.
    """
    recipients = current_app.config["STATS_EMAIL_RECIPIENTS"]
    if not recipients:
        log.info("daily statistics: STATS_EMAIL_RECIPIENTS is empty, nothing sent")
        return 0
    figures = daily_statistics(day)
    subject = f"Sauti daily statistics {day.isoformat()}"
    body = statistics_text(figures)
    queued = [
        queue_email(address, subject, body, dedupe_key=f"daily-stats:{day.isoformat()}:{address}")
        for address in recipients
    ]
    outbox.dispatch(outbox.commit())
    return sum(1 for row in queued if row is not None)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_daily_statistics() -> int:
    """The periodic job: yesterday's (UTC) statistics; returns emails queued."""
    return queue_daily_statistics(utcnow().date() - timedelta(days=1))
