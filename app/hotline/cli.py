"""`flask hotline …`: groups, volunteers and shifts (add, list, remove, CSV import), who is
on shift, how a call would be routed, voicemails and reminders."""

from datetime import UTC, datetime
from typing import Any

import click
from sqlalchemy import select

from app.cli import admin_command
from app.errors import InputError
from app.extensions import db
from app.hotline import admin, reminders, voicemail
from app.hotline.imports import import_shifts
from app.hotline.routing import route_call
from app.hotline.schedule import WEEKDAYS, day_label, hours_label, on_shift, parse_day, parse_time
from app.languages import parse_greetings
from app.models import Shift, Voicemail, Volunteer, VolunteerGroup
from app.models.hotline import DIAL_MODES
from app.phones import field_e164


@click.group("hotline")
def hotline_cli() -> None:
    """The volunteer hotline: groups, volunteers, shifts, voicemail."""


@hotline_cli.group("group")
def group_cli() -> None:
    """Volunteer groups (one per hotline number)."""


@hotline_cli.group("volunteer")
def volunteer_cli() -> None:
    """Volunteers (one may serve several groups)."""


@hotline_cli.group("shift")
def shift_cli() -> None:
    """Shifts: weekly (a weekday) or once (a date), in the group's local time."""


@hotline_cli.group("voicemail")
def voicemail_cli() -> None:
    """Voicemails left for the groups."""


@admin_command(group_cli, "add")
@click.argument("name")
@click.option("--number", required=True, help="The number callers dial (E.164).")
@click.option("--email", "voicemail_email", required=True, help="Where voicemails go.")
@click.option("--timezone", "tz_name", default="Africa/Nairobi", show_default=True)
@click.option("--greeting", multiple=True, help="LANGUAGE=TEXT, once per language.")
@click.option("--dial-mode", type=click.Choice(DIAL_MODES), default="all_at_once")
@click.option("--ring-timeout", default=20, show_default=True, help="Seconds each phone rings.")
@click.option("--reminder-hour", default=18, show_default=True, help="Local hour (0–23).")
def add_group(name: str, greeting: tuple[str, ...], ring_timeout: int, **fields: Any) -> None:
    """Add a group."""
    group = admin.add_group(
        name, greetings=parse_greetings(greeting), ring_timeout_seconds=ring_timeout, **fields
    )
    db.session.commit()
    click.echo(f"group {group.id}: {group.name} on {group.number}")


@admin_command(group_cli, "list")
def list_groups() -> None:
    """Every group: id, number, name, time zone, dial mode, voicemail address."""
    for group in db.session.scalars(select(VolunteerGroup).order_by(VolunteerGroup.id)):
        click.echo(
            f"{group.id:4d} {group.number:14} {group.name}  [{group.time_zone}, "
            f"{group.dial_mode}, {group.ring_timeout_seconds} s, reminders at "
            f"{group.reminder_hour:02d}:00] -> {group.voicemail_email}"
        )


@admin_command(group_cli, "remove")
@click.argument("group_ref", metavar="GROUP")
def remove_group(group_ref: str) -> None:
    """Remove a group (by id, name or number) and its shifts."""
    group = admin.find_group(group_ref)
    name, shifts = group.name, admin.remove_group(group)
    db.session.commit()
    click.echo(f"removed group {name!r} and {shifts} shifts")


@admin_command(volunteer_cli, "add")
@click.argument("name")
@click.option("--phone", required=True, help="E.164, or a Kenyan number like 0712345678.")
@click.option("--email", default="", help="For shift reminders.")
@click.option("--inactive", is_flag=True, help="Never dialled nor reminded.")
def add_volunteer(name: str, phone: str, email: str, inactive: bool) -> None:
    """Add a volunteer."""
    volunteer = admin.add_volunteer(name, phone, email, active=not inactive)
    db.session.commit()
    click.echo(f"volunteer {volunteer.id}: {volunteer.name} on {volunteer.phone}")


@admin_command(volunteer_cli, "list")
@click.option("--group", "group_ref", help="Only those with shifts in this group.")
def list_volunteers(group_ref: str | None) -> None:
    """Every volunteer: id, phone, name, email, active."""
    query = select(Volunteer).order_by(Volunteer.id)
    if group_ref:
        group = admin.find_group(group_ref)
        query = query.where(
            Volunteer.id.in_(select(Shift.volunteer_id).where(Shift.group == group))
        )
    for volunteer in db.session.scalars(query):
        state = "" if volunteer.active else "  (inactive)"
        click.echo(
            f"{volunteer.id:4d} {volunteer.phone:14} {volunteer.name}  "
            f"{volunteer.email or '-'}{state}"
        )


@admin_command(volunteer_cli, "remove")
@click.argument("volunteer_ref", metavar="VOLUNTEER")
def remove_volunteer(volunteer_ref: str) -> None:
    """Remove a volunteer (by id or phone) and their shifts."""
    volunteer = admin.find_volunteer(volunteer_ref)
    name, shifts = volunteer.name, admin.remove_volunteer(volunteer)
    db.session.commit()
    click.echo(f"removed volunteer {name!r} and {shifts} shifts")


@admin_command(shift_cli, "add")
@click.argument("group_ref", metavar="GROUP")
@click.argument("volunteer_ref", metavar="VOLUNTEER")
@click.argument("day")
@click.argument("start")
@click.argument("end")
def add_shift(group_ref: str, volunteer_ref: str, day: str, start: str, end: str) -> None:
    """Add a shift: DAY is a weekday (every week) or YYYY-MM-DD (once); START and END are
    local HH:MM; an END at or before START is on the next day."""
    shift = admin.add_shift(group_ref, volunteer_ref, day, start, end)
    db.session.commit()
    click.echo(f"shift {shift.id}: {_shift_line(shift)}")


def _shift_line(shift: Shift) -> str:
    return (
        f"{shift.group.name}: {shift.volunteer.name} ({shift.volunteer.phone}) "
        f"{day_label(shift)} {hours_label(shift)}"
    )


@admin_command(shift_cli, "list")
@click.option("--group", "group_ref", help="Only this group's shifts.")
@click.option("--volunteer", "volunteer_ref", help="Only this volunteer's shifts.")
def list_shifts(group_ref: str | None, volunteer_ref: str | None) -> None:
    """Shifts: weekly ones by weekday and start, then dated ones."""
    weekly_first = Shift.on_date.is_not(None)
    query = select(Shift).order_by(
        weekly_first, Shift.on_date, Shift.weekday, Shift.start_time, Shift.id
    )
    if group_ref:
        query = query.where(Shift.group_id == admin.find_group(group_ref).id)
    if volunteer_ref:
        query = query.where(Shift.volunteer_id == admin.find_volunteer(volunteer_ref).id)
    for shift in db.session.scalars(query):
        click.echo(f"{shift.id:4d} {_shift_line(shift)}")


@admin_command(shift_cli, "remove")
@click.argument("shift_id", type=int)
def remove_shift(shift_id: int) -> None:
    """Remove one shift by id."""
    shift = admin.remove_shift(shift_id)
    line = _shift_line(shift)
    db.session.commit()
    click.echo(f"removed shift {shift_id}: {line}")


@admin_command(shift_cli, "import")
@click.argument("path", type=click.File(encoding="utf-8-sig"))
def import_shift_file(path: Any) -> None:
    """Add the shifts of a CSV file with the columns group,volunteer,day,start,end: all of
    them, or (with any bad line) none, listing every bad line."""
    added, problems = import_shifts(path)
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{len(problems)} bad line(s): no shift was added")
    db.session.commit()
    click.echo(f"added {added} shifts")


@admin_command(hotline_cli, "who")
@click.argument("group_ref", metavar="GROUP")
@click.argument("day")
@click.argument("hour")
def who(group_ref: str, day: str, hour: str) -> None:
    """Who would be called: GROUP at DAY (a weekday, or YYYY-MM-DD with that day's dated
    shifts) and HOUR (17 or 17:30), local time, in dialling order."""
    group = admin.find_group(group_ref)
    when, moment = parse_day(day), parse_time(hour, "hour")
    volunteers = on_shift(group.id, when, moment)
    label = WEEKDAYS[when] if isinstance(when, int) else when.isoformat()
    click.echo(f"{group.name} at {label} {moment:%H:%M} ({group.time_zone}), {group.dial_mode}:")
    for volunteer in volunteers:
        click.echo(f"  {volunteer.name} {volunteer.phone}")
    if not volunteers:
        click.echo("  nobody on shift: the caller hears the greeting and leaves a voicemail")


@admin_command(hotline_cli, "route")
@click.argument("number")
@click.option("--from", "caller", default="+254700000000", help="The caller's number.")
@click.option("--at", "at", help="An ISO moment with offset (default now).")
def route(number: str, caller: str, at: str | None) -> None:
    """How a call to NUMBER would be routed (what the voice webhooks do)."""
    moment = datetime.fromisoformat(at) if at else datetime.now(UTC)
    if moment.tzinfo is None:
        raise InputError("at: give an offset, e.g. 2026-12-01T17:00+03:00")
    decision = route_call(field_e164(number, "number"), field_e164(caller, "from"), moment)
    click.echo(f"{decision.outcome}: {decision.reason}")
    if decision.numbers:
        click.echo(
            f"  dial {', '.join(decision.numbers)} ({decision.dial_mode}, "
            f"{decision.ring_timeout_seconds} s each, caller id {decision.caller_id})"
        )
    click.echo(f"  greeting ({decision.language}): {decision.greeting}")


@admin_command(voicemail_cli, "list")
@click.option("--limit", default=20, show_default=True)
def list_voicemails(limit: int) -> None:
    """The latest voicemails: id, group, caller, length, transcript state, emailed."""
    query = select(Voicemail).order_by(Voicemail.id.desc()).limit(limit)
    for row in db.session.scalars(query):
        length = "-" if row.duration_seconds is None else f"{row.duration_seconds} s"
        recorded = "recorded" if row.recorded_at else "awaiting recording"
        emailed = "emailed" if row.emailed_at else "not emailed"
        click.echo(
            f"{row.id:4d} {row.group.name}: {row.caller} {length} {recorded}, "
            f"transcript {row.transcript_status or 'pending'}, {emailed}"
        )


@admin_command(voicemail_cli, "send-due")
def send_due() -> None:
    """Email voicemails whose transcript wait is over (what Celery beat does each minute)."""
    click.echo(f"queued {voicemail.send_due_voicemails()} voicemail emails")


@admin_command(hotline_cli, "remind")
def remind() -> None:
    """Email tomorrow's volunteers where it is reminder time (Celery beat: every 5 min)."""
    click.echo(f"queued {reminders.send_reminders()} reminder emails")
