"""Evening reminders: one email per volunteer per shift date, at each group's hour in its
own time zone; a second run sends nothing."""

from datetime import UTC, datetime

import pytest
import time_machine

from app.extensions import db
from app.hotline import tasks
from app.models import Volunteer
from tests.conftest import outbox_rows
from tests.hotline.conftest import AMINA, BRIAN, CYNTHIA, add_shifts

# Monday 30 November 2026; the Nairobi line reminds at 18:00 EAT (15:00 UTC), the London
# line at 18:00 GMT (21:00 EAT).
BEFORE_NAIROBI = datetime(2026, 11, 30, 14, 59, tzinfo=UTC)
NAIROBI_EVENING = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
LONDON_EVENING = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


@pytest.fixture
def tuesday(app, lines):
    add_shifts(
        app,
        ("Nairobi line", AMINA, "Tuesday", "09:00", "13:00"),
        ("London line", AMINA, "Tuesday", "14:00", "18:00"),
        ("Nairobi line", BRIAN, "2026-12-01", "22:00", "06:00"),
        ("Nairobi line", BRIAN, "Monday", "09:00", "17:00"),  # today: not reminded
        ("Nairobi line", CYNTHIA, "Tuesday", "09:00", "17:00"),  # no email address
    )
    return lines


def remind_at(instant: datetime) -> int:
    with time_machine.travel(instant, tick=False):
        return tasks.send_reminders.delay().get()


def test_nobody_is_reminded_before_the_groups_hour(app, tuesday):
    assert remind_at(BEFORE_NAIROBI) == 0
    assert outbox_rows(app, "email") == []


def test_each_volunteer_with_a_shift_tomorrow_gets_one_email_listing_them(app, tuesday):
    assert remind_at(NAIROBI_EVENING) == 2
    by_recipient = {row.recipient: row.payload for row in outbox_rows(app, "email")}
    assert set(by_recipient) == {"amina@example.org", "brian@example.org"}
    amina = by_recipient["amina@example.org"]
    assert amina["subject"] == "Your hotline shifts tomorrow, Tuesday 1 December 2026"
    assert amina["body"].splitlines()[:5] == [
        "Hello Amina Wanjiru,",
        "",
        "A reminder of your hotline shifts on Tuesday 1 December 2026:",
        "  - Nairobi line (+254711082005): 09:00–13:00, Africa/Nairobi time",
        "  - London line (+442079460000): 14:00–18:00, Europe/London time",
    ]
    brian = by_recipient["brian@example.org"]["body"]
    assert "  - Nairobi line (+254711082005): 22:00–06:00 (+1 day), Africa/Nairobi time" in brian
    assert "09:00–17:00" not in brian  # today's shift


def test_running_again_or_at_another_groups_hour_sends_nothing_twice(app, tuesday):
    assert remind_at(NAIROBI_EVENING) == 2
    assert remind_at(NAIROBI_EVENING) == 0
    assert remind_at(LONDON_EVENING) == 0  # Amina's London shift was in the same email
    assert len(outbox_rows(app, "email")) == 2


def test_a_group_in_another_zone_reminds_at_its_own_hour(app, lines):
    add_shifts(app, ("London line", BRIAN, "Tuesday", "09:00", "12:00"))
    assert remind_at(NAIROBI_EVENING) == 0  # 15:00 in London
    assert remind_at(LONDON_EVENING) == 1


def test_inactive_volunteers_are_not_reminded(app, tuesday):
    with app.app_context():
        db.session.get(Volunteer, tuesday.brian).active = False
        db.session.commit()
    assert remind_at(NAIROBI_EVENING) == 1
    assert [row.recipient for row in outbox_rows(app, "email")] == ["amina@example.org"]


def test_remind_command(app, runner, tuesday):
    with time_machine.travel(NAIROBI_EVENING, tick=False):
        assert runner.invoke(args=["hotline", "remind"]).output == "queued 2 reminder emails\n"
        assert runner.invoke(args=["hotline", "remind"]).output == "queued 0 reminder emails\n"
