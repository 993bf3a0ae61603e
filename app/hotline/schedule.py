"""Who is on shift: days, times and the shifts that cover a local moment.

Everything here is in the group's local wall-clock time, so a shift "Monday 09:00–17:00"
means nine to five in the group's time zone whatever its daylight-saving offset that day.
A day is a weekday number (0 = Monday: the weekly view, `flask hotline who`) or a date
(a real moment: weekly shifts on that weekday and shifts dated that day).
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.errors import InputError
from app.extensions import db
from app.models import Shift, Volunteer, VolunteerGroup

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Day = date | int


def parse_weekday(text: str) -> int:
    """A weekday name ("Monday", "mon", any case) as 0 (Monday) to 6 (Sunday).

    Raises:
        InputError: not a weekday name.
    """
    word = text.strip().lower()
    for number, name in enumerate(WEEKDAYS):
        if len(word) >= 3 and name.lower().startswith(word):
            return number
    raise InputError(f"day: {text!r} is not a weekday (Monday … Sunday)")


def parse_day(text: str) -> Day:
    """A weekday name (every week) or an ISO date "2026-12-25" (that day only).

    Raises:
        InputError: neither.
    """
    if text.strip()[:1].isdigit():
        try:
            return date.fromisoformat(text.strip())
        except ValueError as err:
            raise InputError(f"day: {text!r} is not a date (YYYY-MM-DD)") from err
    return parse_weekday(text)


def parse_time(text: str, field: str = "time") -> time:
    """A local time: "17" (an hour, 0–23), "17:30" or "9:05".

    Raises:
        InputError: not a time of day; the message names `field`.
    """
    hour, _, minute = text.strip().partition(":")
    try:
        return time(int(hour), int(minute or 0))
    except ValueError as err:
        raise InputError(f"{field}: {text!r} is not a time of day (0–23, or HH:MM)") from err


def day_label(shift: Shift) -> str:
    """ "Monday" for a weekly shift, "2026-12-25" for a dated one."""
    return WEEKDAYS[shift.weekday] if shift.on_date is None else shift.on_date.isoformat()


def hours_label(shift: Shift) -> str:
    """ "22:00–06:00 (+1 day)" for an overnight shift, "09:00–17:00" otherwise."""
    text = f"{shift.start_time:%H:%M}–{shift.end_time:%H:%M}"
    return text + " (+1 day)" if shift.overnight else text


def starts_on(shift: Shift, day: Day) -> bool:
    """True when the shift starts on `day` (a date, or a weekday in the weekly view, where
    dated shifts never start)."""
    if isinstance(day, int):
        return shift.on_date is None and shift.weekday == day
    if shift.on_date is not None:
        return shift.on_date == day
    return shift.weekday == day.weekday()


def previous(day: Day) -> Day:
    """The day before: the weekday before (Sunday before Monday) or the date before."""
    return (day - 1) % 7 if isinstance(day, int) else day - timedelta(days=1)


def covers(shift: Shift, day: Day, moment: time) -> bool:
    """True when the shift covers local `moment` on `day`: it started that day and has not
    ended, or it started the day before and runs past midnight into `moment`."""
    if starts_on(shift, day) and shift.start_time <= moment:
        return shift.overnight or moment < shift.end_time
    return shift.overnight and moment < shift.end_time and starts_on(shift, previous(day))


def local_moment(group: VolunteerGroup, instant: datetime) -> datetime:
    """`instant` (aware) as wall-clock time in the group's time zone."""
    return instant.astimezone(ZoneInfo(group.time_zone))


def on_shift(group_id: int, day: Day, moment: time) -> list[Volunteer]:
    """The active volunteers whose shifts in the group cover `moment` on `day`, in dialling
    order: shifts begun the day before first, then by start time, then as added; each
    volunteer once.
    """
    query = (
        select(Shift)
        .join(Volunteer, Shift.volunteer_id == Volunteer.id)
        .where(Shift.group_id == group_id, Volunteer.active.is_(True))
    )
    covering = [shift for shift in db.session.scalars(query) if covers(shift, day, moment)]
    covering.sort(key=lambda s: (starts_on(s, day), s.start_time, s.id))
    return _unique_volunteers(covering)


def _unique_volunteers(shifts: Iterable[Shift]) -> list[Volunteer]:
    seen: dict[int, Volunteer] = {}
    for shift in shifts:
        seen.setdefault(shift.volunteer_id, shift.volunteer)
    return list(seen.values())


def on_shift_at(group: VolunteerGroup, instant: datetime) -> list[Volunteer]:
    """The volunteers on shift in the group at a real moment (aware `instant`)."""
    local = local_moment(group, instant)
    return on_shift(group.id, local.date(), local.time())
