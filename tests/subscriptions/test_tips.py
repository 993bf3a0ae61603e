"""Weekly tips: calendar series by ISO week across the year boundary, event series by
weeks since the subscription's epoch date, never the same tip twice."""

from datetime import UTC, date, datetime

import time_machine

from app.extensions import db
from app.models import Tip, TipSeries
from app.subscriptions.tasks import send_tips
from app.subscriptions.tips import plan_tips, weeks_since
from tests.sms import recorded
from tests.subscriptions import subscriber


def series(kind: str, commodity: str, weeks: dict[int, str]) -> None:
    row = TipSeries(name=f"{commodity} {kind}", commodity=commodity, kind=kind)
    db.session.add(row)
    db.session.flush()
    for week, text in weeks.items():
        db.session.add(Tip(series_id=row.id, week=week, text=text))


def send_on(app, day: date) -> list[tuple[str, str]]:
    before = len(recorded(app))
    moment = datetime(day.year, day.month, day.day, 5, tzinfo=UTC)
    with time_machine.travel(moment, tick=False), app.app_context():
        send_tips()
    return sorted(recorded(app)[before:])


def test_calendar_tips_follow_the_iso_week_across_the_year_boundary(app):
    with app.app_context():
        series("calendar", "maize", {52: "week 52", 53: "week 53", 1: "week 1"})
        subscriber("+254711001201", "tips", commodity="maize")
        subscriber("+254711001202", "tips", commodity="beans")
        db.session.commit()
    maize = "+254711001201"
    assert send_on(app, date(2026, 12, 21)) == [(maize, "week 52")]
    assert send_on(app, date(2026, 12, 28)) == [(maize, "week 53")]
    assert send_on(app, date(2027, 1, 1)) == []  # still ISO week 53 of 2026: already sent
    assert send_on(app, date(2027, 1, 4)) == [(maize, "week 1")]


def test_event_tips_count_weeks_from_each_subscriptions_epoch(app):
    with app.app_context():
        series("event", "dairy", {0: "calving week", 1: "week 1 after calving", 2: "week 2"})
        subscriber("+254711001301", "tips", commodity="dairy", epoch_date=date(2026, 12, 1))
        subscriber("+254711001302", "tips", commodity="dairy", epoch_date=date(2026, 11, 17))
        db.session.commit()
    assert send_on(app, date(2026, 12, 3)) == [
        ("+254711001301", "calving week"),
        ("+254711001302", "week 2"),
    ]
    assert send_on(app, date(2026, 12, 4)) == []  # the same week again: nothing twice
    assert send_on(app, date(2026, 12, 8)) == [("+254711001301", "week 1 after calving")]


def test_a_tip_is_never_sent_twice_to_a_subscriber_even_a_year_later(app):
    with app.app_context():
        series("calendar", "maize", {10: "plant early"})
        subscriber("+254711001401", "tips", commodity="maize")
        db.session.commit()
        assert plan_tips(date(2026, 3, 2), datetime(2026, 3, 2, tzinfo=UTC)) == 1
        assert plan_tips(date(2027, 3, 8), datetime(2027, 3, 8, tzinfo=UTC)) == 0


def test_weeks_since_the_epoch():
    assert weeks_since(date(2026, 12, 1), date(2026, 12, 7)) == 0
    assert weeks_since(date(2026, 12, 1), date(2026, 12, 8)) == 1
    assert weeks_since(date(2026, 12, 1), date(2026, 11, 30)) == -1
