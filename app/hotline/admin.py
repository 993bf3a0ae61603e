"""Adding and removing hotline groups, volunteers and shifts, each input checked with a
message that names the field. Nothing here commits: the caller does, once all is well."""

import zoneinfo
from collections.abc import Mapping
from datetime import date

from sqlalchemy import delete, func, select

from app.errors import InputError
from app.extensions import db
from app.hotline.schedule import parse_day, parse_time
from app.mail import InvalidEmailAddress, normalise_address
from app.models import Shift, ShiftReminder, Voicemail, Volunteer, VolunteerGroup
from app.models.hotline import DIAL_MODES
from app.phones import field_e164 as phone

RING_TIMEOUT_RANGE = (5, 120)


def email(text: str, field: str = "email") -> str:
    """`text` as a normalised email address. Raises InputError when it is not one."""
    try:
        return normalise_address(text)
    except InvalidEmailAddress as err:
        raise InputError(f"{field}: {err}") from err


def time_zone(name: str) -> str:
    """An IANA time zone name ("Africa/Nairobi"). Raises InputError for any other text."""
    if name not in zoneinfo.available_timezones():
        raise InputError(f"time zone: {name!r} is not an IANA time zone (e.g. Africa/Nairobi)")
    return name


def find_group(ref: str | int) -> VolunteerGroup:
    """The group with this id, name or number.

    Raises:
        InputError: no such group.
    """
    text = str(ref).strip()
    if text.isdigit() and (group := db.session.get(VolunteerGroup, int(text))) is not None:
        return group
    condition = VolunteerGroup.name == text
    if text.startswith("+") or text.startswith("0"):
        condition = VolunteerGroup.number == phone(text, "group")
    group = db.session.scalar(select(VolunteerGroup).where(condition))
    if group is None:
        raise InputError(f"group: no group {text!r} (see `flask hotline group list`)")
    return group


def find_volunteer(ref: str | int) -> Volunteer:
    """The volunteer with this id or phone number. Raises InputError when there is none."""
    text = str(ref).strip()
    if text.isdigit() and len(text) < 9:
        volunteer = db.session.get(Volunteer, int(text))
    else:
        number = phone(text, "volunteer")
        volunteer = db.session.scalar(select(Volunteer).where(Volunteer.phone == number))
    if volunteer is None:
        raise InputError(f"volunteer: no volunteer {text!r} (see `flask hotline volunteer list`)")
    return volunteer


def add_group(
    name: str,
    number: str,
    voicemail_email: str,
    tz_name: str,
    greetings: Mapping[str, str] | None = None,
    dial_mode: str = "all_at_once",
    ring_timeout_seconds: int = 20,
    reminder_hour: int = 18,
) -> VolunteerGroup:
    """Add a volunteer group (flushed, not committed).

    Raises:
        InputError: a field is invalid, or the name or number is taken.
    """
    if dial_mode not in DIAL_MODES:
        raise InputError(f"dial mode: {dial_mode!r} is not one of {', '.join(DIAL_MODES)}")
    low, high = RING_TIMEOUT_RANGE
    if not low <= ring_timeout_seconds <= high:
        raise InputError(f"ring timeout: {ring_timeout_seconds} s is not {low}–{high} s")
    if not 0 <= reminder_hour <= 23:
        raise InputError(f"reminder hour: {reminder_hour} is not an hour (0–23)")
    group = VolunteerGroup(
        name=name.strip(),
        number=phone(number, "number"),
        voicemail_email=email(voicemail_email, "voicemail email"),
        time_zone=time_zone(tz_name),
        greetings=dict(greetings or {}),
        dial_mode=dial_mode,
        ring_timeout_seconds=ring_timeout_seconds,
        reminder_hour=reminder_hour,
    )
    taken = select(VolunteerGroup).where(
        (VolunteerGroup.name == group.name) | (VolunteerGroup.number == group.number)
    )
    if db.session.scalar(taken) is not None:
        raise InputError(f"group: the name {group.name!r} or number {group.number} is taken")
    db.session.add(group)
    db.session.flush()
    return group


def remove_group(group: VolunteerGroup) -> int:
    """Remove a group and its shifts; returns how many shifts went.

    Raises:
        InputError: the group has voicemails (they are kept: remove nothing).
    """
    kept = db.session.scalar(select(func.count()).where(Voicemail.group_id == group.id))
    if kept:
        raise InputError(f"group: {group.name!r} has {kept} voicemails; it cannot be removed")
    shifts = db.session.execute(delete(Shift).where(Shift.group_id == group.id)).rowcount
    db.session.delete(group)
    return shifts


def add_volunteer(name: str, number: str, address: str = "", active: bool = True) -> Volunteer:
    """Add a volunteer (flushed, not committed); `address` may be "" (no reminders).

    Raises:
        InputError: a field is invalid, or the phone number is already a volunteer's.
    """
    volunteer = Volunteer(
        name=name.strip(),
        phone=phone(number),
        email=email(address) if address.strip() else "",
        active=active,
    )
    if not volunteer.name:
        raise InputError("name: a volunteer needs a name")
    if db.session.scalar(select(Volunteer).where(Volunteer.phone == volunteer.phone)):
        raise InputError(f"phone: {volunteer.phone} is already a volunteer's")
    db.session.add(volunteer)
    db.session.flush()
    return volunteer


def remove_volunteer(volunteer: Volunteer) -> int:
    """Remove a volunteer, their shifts and reminders; returns how many shifts went."""
    db.session.execute(delete(ShiftReminder).where(ShiftReminder.volunteer_id == volunteer.id))
    shifts = db.session.execute(delete(Shift).where(Shift.volunteer_id == volunteer.id)).rowcount
    db.session.delete(volunteer)
    return shifts


def add_shift(
    group_ref: str | int, volunteer_ref: str | int, day: str, start: str, end: str
) -> Shift:
    """Add a shift (flushed, not committed) from text as an operator types it.

    Args:
        group_ref: the group's id, name or number.
        volunteer_ref: the volunteer's id or phone.
        day: a weekday ("Monday": every week) or a date ("2026-12-25": that day only).
        start, end: local times "HH:MM" (or an hour); an end at or before the start is on
            the next day.

    Raises:
        InputError: a field is invalid; the message names it.
    """
    when = parse_day(day)
    shift = Shift(
        group=find_group(group_ref),
        volunteer=find_volunteer(volunteer_ref),
        weekday=when if isinstance(when, int) else None,
        on_date=when if isinstance(when, date) else None,
        start_time=parse_time(start, "start"),
        end_time=parse_time(end, "end"),
    )
    db.session.add(shift)
    db.session.flush()
    return shift


def remove_shift(shift_id: int) -> Shift:
    """Remove one shift by id (not committed); returns it.

    Raises:
        InputError: no such shift.
    """
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise InputError(f"shift: no shift {shift_id} (see `flask hotline shift list`)")
    db.session.delete(shift)
    return shift
