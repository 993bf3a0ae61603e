"""The daily statistics email: due at 07:00 UTC through the SQL-kept tick, once a day."""

from datetime import UTC, datetime

import time_machine

from app.scheduling import run_tick
from tests.conftest import outbox_rows


def test_daily_statistics_email_is_sent_once_at_seven(app_factory):
    app = app_factory(STATS_EMAIL_RECIPIENTS=["ops@example.org", "lead@example.org"])
    with app.app_context():
        with time_machine.travel(datetime(2026, 12, 1, 6, 58, tzinfo=UTC), tick=False):
            assert "daily-stats" not in run_tick()  # first seen: due at the next 07:00
        assert outbox_rows(app, "email") == []
        with time_machine.travel(datetime(2026, 12, 1, 7, 0, tzinfo=UTC), tick=False):
            assert "daily-stats" in run_tick()
            assert "daily-stats" not in run_tick()  # a second tick in the minute
    rows = outbox_rows(app, "email")
    assert sorted(row.recipient for row in rows) == ["lead@example.org", "ops@example.org"]
    assert {row.status for row in rows} == {"sent"}
    assert rows[0].payload["subject"] == "Sauti daily statistics 2026-11-30"
    body = rows[0].payload["body"]
    for figure in ("Campaigns created: 0", "Messages sent: 0", "Delivery rate: n/a"):
        assert figure in body


def test_the_same_day_is_never_mailed_twice(app_factory):
    from app.campaigns.report import queue_daily_statistics

    app = app_factory(STATS_EMAIL_RECIPIENTS=["ops@example.org"])
    with app.app_context():
        day = datetime(2026, 11, 30, tzinfo=UTC).date()
        assert queue_daily_statistics(day) == 1
        assert queue_daily_statistics(day) == 0  # the task redelivered
    assert len(outbox_rows(app, "email")) == 1


def test_no_recipients_no_email(app):
    with app.app_context():
        with time_machine.travel(datetime(2026, 12, 1, 6, 59, tzinfo=UTC), tick=False):
            run_tick()
        with time_machine.travel(datetime(2026, 12, 1, 7, 0, tzinfo=UTC), tick=False):
            assert "daily-stats" in run_tick()
    assert outbox_rows(app, "email") == []
