"""Routing a call to a hotline across shift boundaries, midnight and time zones, with the
clock moved by time-machine."""

import logging
from datetime import datetime

import pytest
import time_machine

from app.extensions import db
from app.hotline.routing import route_call
from app.models import Volunteer
from tests.hotline.conftest import AMINA, BRIAN, CYNTHIA, LONDON_LINE, NAIROBI_LINE, add_shifts

CALLER = "+254733000111"


def route_at(app, instant: str, called: str = NAIROBI_LINE, caller: str = CALLER, **kwargs):
    """Route a call with the clock at `instant` (ISO, with offset)."""
    with time_machine.travel(datetime.fromisoformat(instant), tick=False):
        with app.app_context():
            return route_call(called, caller, **kwargs)


@pytest.fixture
def day_and_night(app, lines):
    """Nairobi: Amina Monday 09:00–17:00, Brian Monday 22:00–06:00 (overnight)."""
    add_shifts(
        app,
        ("Nairobi line", AMINA, "Monday", "09:00", "17:00"),
        ("Nairobi line", BRIAN, "Monday", "22:00", "06:00"),
    )
    return lines


@pytest.mark.parametrize(
    ("local", "numbers"),
    [
        ("2026-11-30T08:59:59+03:00", ()),
        ("2026-11-30T09:00:00+03:00", (AMINA,)),
        ("2026-11-30T16:59:59+03:00", (AMINA,)),
        ("2026-11-30T17:00:00+03:00", ()),
        ("2026-11-30T21:59:00+03:00", ()),
        ("2026-11-30T22:00:00+03:00", (BRIAN,)),
        ("2026-12-01T00:30:00+03:00", (BRIAN,)),
        ("2026-12-01T05:59:59+03:00", (BRIAN,)),
        ("2026-12-01T06:00:00+03:00", ()),
        ("2026-11-29T23:30:00+03:00", ()),  # Sunday night: Brian's shift starts Monday
        ("2026-12-07T10:00:00+03:00", (AMINA,)),  # every week
    ],
)
def test_a_call_rings_whoever_is_on_shift_at_that_local_moment(app, day_and_night, local, numbers):
    route = route_at(app, local)
    assert route.numbers == numbers
    assert route.outcome == ("dial" if numbers else "voicemail")


def test_the_dial_carries_the_groups_mode_timeout_and_number_as_caller_id(app, day_and_night):
    route = route_at(app, "2026-11-30T10:00:00+03:00")
    assert (route.dial_mode, route.ring_timeout_seconds, route.caller_id) == (
        "in_order",
        15,
        NAIROBI_LINE,
    )
    assert route.group_id == day_and_night.nairobi


def test_the_instant_is_read_in_the_groups_time_zone(app, day_and_night):
    # 06:30 UTC is 09:30 in Nairobi: Amina's shift, though it is before nine in UTC.
    assert route_at(app, "2026-11-30T06:30:00+00:00").numbers == (AMINA,)


def test_in_order_rings_the_shift_begun_yesterday_first_then_by_start(app, day_and_night):
    add_shifts(
        app,
        ("Nairobi line", CYNTHIA, "Tuesday", "05:00", "12:00"),
        ("Nairobi line", AMINA, "Tuesday", "04:00", "12:00"),
    )
    assert route_at(app, "2026-12-01T05:30:00+03:00").numbers == (BRIAN, AMINA, CYNTHIA)


def test_a_volunteer_with_two_overlapping_shifts_is_dialled_once(app, day_and_night):
    add_shifts(app, ("Nairobi line", AMINA, "Monday", "12:00", "20:00"))
    assert route_at(app, "2026-11-30T13:00:00+03:00").numbers == (AMINA,)
    assert route_at(app, "2026-11-30T19:00:00+03:00").numbers == (AMINA,)


def test_an_inactive_volunteer_is_never_dialled(app, day_and_night):
    with app.app_context():
        db.session.get(Volunteer, day_and_night.amina).active = False
        db.session.commit()
    assert route_at(app, "2026-11-30T10:00:00+03:00").outcome == "voicemail"


def test_a_dated_shift_covers_that_day_only(app, lines):
    add_shifts(app, ("Nairobi line", CYNTHIA, "2026-12-25", "10:00", "14:00"))
    assert route_at(app, "2026-12-25T11:00:00+03:00").numbers == (CYNTHIA,)
    assert route_at(app, "2026-12-18T11:00:00+03:00").numbers == ()  # the Friday before


def test_a_shift_from_midnight_to_midnight_is_the_whole_day(app, lines):
    add_shifts(app, ("Nairobi line", CYNTHIA, "Wednesday", "00:00", "00:00"))
    assert route_at(app, "2026-12-02T00:00:00+03:00").numbers == (CYNTHIA,)
    assert route_at(app, "2026-12-02T23:59:59+03:00").numbers == (CYNTHIA,)
    assert route_at(app, "2026-12-03T00:00:00+03:00").numbers == ()


@pytest.mark.parametrize(
    ("instant", "numbers"),
    [
        ("2026-03-22T08:30:00+00:00", ()),  # 08:30 GMT, before the shift
        ("2026-03-29T08:30:00+00:00", (AMINA,)),  # 09:30 BST: summer time began at 01:00 UTC
        ("2026-10-18T16:30:00+00:00", ()),  # 17:30 BST, after the shift
        ("2026-10-25T16:30:00+00:00", (AMINA,)),  # 16:30 GMT: summer time has ended
    ],
)
def test_shifts_follow_daylight_saving_in_the_groups_zone(app, lines, instant, numbers):
    add_shifts(app, ("London line", AMINA, "Sunday", "09:00", "17:00"))
    assert route_at(app, instant, called=LONDON_LINE).numbers == numbers


def test_a_volunteer_on_two_groups_is_rung_by_each_on_its_own_shifts(app, lines):
    add_shifts(
        app,
        ("Nairobi line", AMINA, "Monday", "09:00", "12:00"),
        ("London line", AMINA, "Monday", "14:00", "18:00"),
    )
    morning, afternoon = "2026-11-30T10:00:00+03:00", "2026-11-30T15:00:00+00:00"
    assert route_at(app, morning).numbers == (AMINA,)
    assert route_at(app, morning, called=LONDON_LINE).numbers == ()
    assert route_at(app, afternoon, called=LONDON_LINE).numbers == (AMINA,)
    assert route_at(app, afternoon).numbers == ()


def test_nobody_on_shift_greets_in_the_callers_language(app, lines):
    route = route_at(app, "2026-11-30T03:00:00+03:00", language="sw")
    assert (route.outcome, route.greeting, route.language) == (
        "voicemail",
        "Tafadhali acha ujumbe.",
        "sw",
    )
    french = route_at(app, "2026-11-30T03:00:00+03:00", language="fr")
    assert (french.greeting, french.language) == ("Please leave a message.", "en")


def test_a_known_customer_is_greeted_in_their_language(app, lines):
    from app import customers

    with app.app_context():
        customers.store_fields(CALLER, {"name": "Juma", "language": "sw"})
        db.session.commit()
    assert route_at(app, "2026-11-30T03:00:00+03:00").language == "sw"


def test_a_group_without_greetings_uses_the_built_in_one(app, lines):
    route = route_at(app, "2026-11-30T03:00:00+00:00", called=LONDON_LINE)
    assert route.greeting.startswith("Sorry, nobody can take your call right now.")


def test_an_unknown_number_is_no_such_group_logged_with_masked_numbers(app, lines, caplog):
    caplog.set_level(logging.INFO)
    route = route_at(app, "2026-11-30T10:00:00+03:00", called="+254711999999")
    assert (route.outcome, route.group_id, route.numbers) == ("no_such_group", None, ())
    assert route.greeting == "Sorry, this number is not in service. Goodbye."
    assert "+2547*****999" in caplog.text
    assert "+254711999999" not in caplog.text and CALLER not in caplog.text
