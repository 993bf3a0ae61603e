"""Evening reminders: each volunteer with a shift tomorrow gets one email listing it.

Celery beat runs `send_reminders` every few minutes. A group's volunteers are reminded once
it is the group's `reminder_hour` or later (until midnight) in the group's time zone, of
the shifts that start on the group's local tomorrow. A volunteer gets one email per date,
listing their shifts that day in every group: the `hotline_shift_reminders` row (unique per
volunteer and date) is written with the email, so a second run sends nothing.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select

from app.extensions import db
from app.hotline.schedule import WEEKDAYS, hours_label, local_moment, starts_on
from app.mail import queue_email
from app.models import Shift, ShiftReminder, Volunteer, VolunteerGroup
from app.models.base import insert_ignoring_duplicates
from app.outbox import commit, dispatch


def send_reminders(now: datetime | None = None) -> int:
    """Queue the reminder emails that are due at `now` (aware; default now). Commits.

    Returns:
        how many emails were queued (0 on a second run).
    """
    moment = now or datetime.now(UTC)
    queued = 0
    for group in db.session.scalars(select(VolunteerGroup).order_by(VolunteerGroup.id)).all():
        local = local_moment(group, moment)
        if local.hour < group.reminder_hour:
            continue
        tomorrow = local.date() + timedelta(days=1)
        for volunteer in _starting(tomorrow, Shift.group_id == group.id):
            queued += _remind(volunteer, tomorrow)
    dispatch(commit())
    return queued


def _shifts_starting(day: date, *conditions: object) -> list[Shift]:
    """Shifts of active volunteers that start on `day`, matching `conditions`."""
    query = (
        select(Shift)
        .join(Volunteer, Shift.volunteer_id == Volunteer.id)
        .where(Volunteer.active.is_(True), *conditions)
        .where(or_(Shift.on_date == day, Shift.weekday == day.weekday()))
        .order_by(Shift.start_time, Shift.id)
    )
    return [shift for shift in db.session.scalars(query) if starts_on(shift, day)]


def _starting(day: date, *conditions: object) -> list[Volunteer]:
    volunteers = {
        shift.volunteer_id: shift.volunteer for shift in _shifts_starting(day, *conditions)
    }
    return [volunteer for volunteer in volunteers.values() if volunteer.email]


def _remind(volunteer: Volunteer, day: date) -> int:
    """Queue one volunteer's reminder for `day` unless it was; 1 when queued, else 0."""
    reminder = insert_ignoring_duplicates(
        ShiftReminder,
        ["volunteer_id", "shift_date"],
        volunteer_id=volunteer.id,
        shift_date=day,
        created_at=datetime.now(UTC),
    )
    if reminder is None:
        return 0
    shifts = _shifts_starting(day, Shift.volunteer_id == volunteer.id)
    subject, body = reminder_text(volunteer, day, shifts)
    queue_email(volunteer.email, subject, body, f"reminder:{volunteer.id}:{day.isoformat()}")
    return 1


def reminder_text(volunteer: Volunteer, day: date, shifts: list[Shift]) -> tuple[str, str]:
    """The reminder's subject and plain-text body, one line per shift."""
    when = f"{WEEKDAYS[day.weekday()]} {day.day} {day:%B %Y}"
    plural = "s" if len(shifts) > 1 else ""
    lines = [f"Hello {volunteer.name},", "", f"A reminder of your hotline shift{plural} on {when}:"]
    lines += [
        f"  - {shift.group.name} ({shift.group.number}): {hours_label(shift)}, "
        f"{shift.group.time_zone} time"
        for shift in shifts
    ]
    lines += ["", "Calls to the line will ring your phone, " + volunteer.phone + ".", "Thank you!"]
    return f"Your hotline shift{plural} tomorrow, {when}", "\n".join(lines) + "\n"
