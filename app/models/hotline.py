"""The volunteer hotline: groups callers dial, volunteers, their shifts, voicemails and
shift reminders."""

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

DIAL_MODES = ("all_at_once", "in_order")


class VolunteerGroup(db.Model):
    """A hotline: the number callers dial and how their calls reach the volunteers.

    `greetings` maps a language code to what callers hear before leaving a voicemail,
    e.g. {"en": "...", "sw": "..."}. `dial_mode` is "all_at_once" (every volunteer on shift
    rings; the first to answer takes the call) or "in_order" (one after another).
    """

    __tablename__ = "hotline_groups"
    __table_args__ = (
        CheckConstraint("dial_mode IN ('all_at_once', 'in_order')", name="dial_mode"),
        CheckConstraint("reminder_hour BETWEEN 0 AND 23", name="reminder_hour"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    voicemail_email: Mapped[str] = mapped_column(String(254))
    time_zone: Mapped[str] = mapped_column(String(64))
    greetings: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    dial_mode: Mapped[str] = mapped_column(String(12), default="all_at_once")
    ring_timeout_seconds: Mapped[int] = mapped_column(Integer, default=20)
    reminder_hour: Mapped[int] = mapped_column(SmallInteger, default=18)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Volunteer(db.Model):
    """Someone who answers hotline calls; one person may serve several groups (through
    their shifts). Inactive volunteers are never dialled nor reminded."""

    __tablename__ = "hotline_volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Shift(db.Model):
    """A volunteer's time on a group's phone, in the group's local time: every week on
    `weekday` (0 = Monday), or once on `on_date`. An `end_time` at or before `start_time`
    ends the next day (22:00–06:00 crosses midnight; 00:00–00:00 is the whole day)."""

    __tablename__ = "hotline_shifts"
    __table_args__ = (
        CheckConstraint("(weekday IS NULL) <> (on_date IS NULL)", name="weekday_or_date"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("hotline_groups.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("hotline_volunteers.id"), index=True)
    weekday: Mapped[int | None] = mapped_column(SmallInteger)
    on_date: Mapped[date | None] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)

    group: Mapped[VolunteerGroup] = relationship()
    volunteer: Mapped[Volunteer] = relationship()

    @property
    def overnight(self) -> bool:
        """True when the shift ends on the day after it starts."""
        return self.end_time <= self.start_time


class Voicemail(db.Model):
    """A message left for a group, one per call (`gateway` + `call_id`, the gateway's
    CallSid / sessionId).

    Opened when the caller is asked to leave it; `recording_url` ("" when nothing was
    recorded) and `transcript` arrive on later callbacks; `emailed_at` is set when the
    email to the group is queued, once.
    """

    __tablename__ = "hotline_voicemails"
    __table_args__ = (UniqueConstraint("gateway", "call_id", name="one_voicemail_per_call"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("hotline_groups.id"), index=True)
    gateway: Mapped[str] = mapped_column(String(20))
    call_id: Mapped[str] = mapped_column(String(100))
    caller: Mapped[str] = mapped_column(String(20))
    recording_url: Mapped[str | None] = mapped_column(String(500))
    recording_id: Mapped[str | None] = mapped_column(String(100))
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    transcript: Mapped[str | None] = mapped_column(Text)
    transcript_status: Mapped[str | None] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    group: Mapped[VolunteerGroup] = relationship()


class ShiftReminder(db.Model):
    """The reminder email a volunteer got for their shifts on one date: one row per
    volunteer per date, so a second run of the reminder task sends nothing."""

    __tablename__ = "hotline_shift_reminders"
    __table_args__ = (
        UniqueConstraint("volunteer_id", "shift_date", name="one_reminder_per_volunteer_per_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("hotline_volunteers.id"))
    shift_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
