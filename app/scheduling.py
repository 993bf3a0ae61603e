"""Periodic work, kept in SQL: Celery beat only calls `tick` every minute.

The tick claims each periodic job that is due (schedules table: one conditional UPDATE
moves `next_run_at` on, so a job starts once however many ticks run), then does the
minute's own work: campaigns' plans and windows, due SMS, billing retries, lost tasks.
Every step is safe to run twice.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from celery import shared_task
from celery.schedules import crontab
from flask import current_app
from sqlalchemy import select, update

from app.celery_app import enqueue
from app.extensions import db
from app.models import Schedule
from app.models.base import insert_ignoring_duplicates, utc, utcnow


def cron(line: str) -> crontab:
    """A crontab line ("minute hour day-of-month month day-of-week", UTC) as Celery's
    schedule.

    Raises:
        ValueError: not five fields, or a field Celery cannot read.
    """
    parts = line.split()
    if len(parts) != 5:
        raise ValueError(f"crontab needs 5 fields, got {line!r}")
    minute, hour, day, month, weekday = parts
    return crontab(minute, hour, day_of_week=weekday, day_of_month=day, month_of_year=month)


def next_run(line: str, after: datetime) -> datetime:
    """The first whole minute (UTC) after `after` that matches the crontab line.

    Raises:
        ValueError: the line is malformed, or matches no minute within a year.
    """
    schedule = cron(line)
    moment = after.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    for _ in range(366 * 24 * 60):
        if _matches(schedule, moment):
            return moment
        moment += timedelta(minutes=1)
    raise ValueError(f"crontab {line!r} never matches")


def _matches(schedule: crontab, moment: datetime) -> bool:
    # Celery numbers weekdays from Sunday = 0.
    return (
        moment.minute in schedule.minute
        and moment.hour in schedule.hour
        and moment.day in schedule.day_of_month
        and moment.month in schedule.month_of_year
        and moment.isoweekday() % 7 in schedule.day_of_week
    )


def jobs() -> dict[str, tuple[str, Callable[[], object]]]:
    """Periodic jobs: name -> (crontab line, the task that does it)."""
    from app.campaigns.report import send_daily_statistics
    from app.imports.tasks import purge_imports
    from app.subscriptions.tasks import send_forecasts, send_tips

    config = current_app.config
    return {
        "forecasts": (config["FORECAST_SMS_SCHEDULE"], send_forecasts),
        "tips": (config["TIPS_SMS_SCHEDULE"], send_tips),
        "imports-purge": ("30 2 * * *", purge_imports),
        "daily-stats": (config["STATS_EMAIL_SCHEDULE"], send_daily_statistics),
    }


def claim_due_jobs(now: datetime) -> list[str]:
    """Claim every job due at `now` (one conditional UPDATE each) and enqueue it.

    A job seen for the first time is first due at its next matching minute.

    Returns:
        the names of the jobs started.
    """
    started = []
    for name, (line, task) in jobs().items():
        insert_ignoring_duplicates(Schedule, ["name"], name=name, next_run_at=next_run(line, now))
        db.session.commit()
        due_at = db.session.scalar(select(Schedule.next_run_at).where(Schedule.name == name))
        if utc(due_at) > now:
            continue
        claimed = db.session.execute(
            update(Schedule)
            .where(Schedule.name == name, Schedule.next_run_at == due_at)
            .values(next_run_at=next_run(line, now), last_run_at=now)
        )
        db.session.commit()
        if claimed.rowcount == 1:
            enqueue(task)
            started.append(name)
    return started


def run_tick(now: datetime | None = None) -> list[str]:
    """One minute's work (see the module docstring); returns the periodic jobs started."""
    from app.campaigns.service import advance
    from app.imports.service import requeue_lost_imports
    from app.sms.dispatch import dispatch_due, requeue_stale
    from app.sms.sending import settle_lost
    from app.subscriptions.billing import bill_due

    now = now or utcnow()
    started = claim_due_jobs(now)
    advance(now)
    settle_lost(now)
    requeue_stale(now)
    dispatch_due(now)
    bill_due(now)
    requeue_lost_imports(now)
    return started


@shared_task(acks_late=True)
def tick() -> list[str]:
    """Celery beat's every-minute entry point."""
    return run_tick()
