"""Forecast bulletins: daily to each location's subscribers, county forecasts to premium
subscribers of chosen categories; started by the SQL-kept schedule once a day."""

from datetime import UTC, date, datetime

import time_machine

from app.extensions import db
from app.models import Forecast
from app.scheduling import run_tick
from app.sms import optout
from tests.sms import recorded
from tests.subscriptions import place, subscriber

DAY = date(2026, 12, 2)
# FORECAST_SMS_SCHEDULE defaults to "0 4 * * *" (04:00 UTC, 07:00 in Nairobi)
SEND_AT = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)


def setup_forecasts(app) -> None:
    with app.app_context():
        kiambu, ruiru, nakuru = place("Kiambu"), place("Ruiru"), place("Nakuru")
        subscriber("+254711001101", "forecasts", location_id=kiambu)
        subscriber("+254711001102", "forecasts", location_id=ruiru)  # inside Kiambu
        subscriber("+254711001103", "forecasts", location_id=nakuru)
        subscriber("+254711001104", "forecasts", location_id=kiambu, status="cancelled")
        subscriber("+254711001105", "forecasts", location_id=kiambu, expires_on=date(2026, 12, 1))
        subscriber("+254711001106", "forecasts", location_id=kiambu)
        optout.opt_out("+254711001106", "sms")
        subscriber("+254711001107", "premium", location_id=ruiru, category="dairy")
        subscriber("+254711001108", "premium", location_id=kiambu, category="maize")
        db.session.add(Forecast(location_id=kiambu, for_date=DAY, text="Kiambu: showers"))
        db.session.add(Forecast(location_id=nakuru, for_date=DAY, text="Nakuru: sunny"))
        db.session.add(
            Forecast(
                location_id=kiambu,
                for_date=DAY,
                kind="county",
                text="Kiambu county: long rains",
                categories=["dairy"],
            )
        )
        db.session.commit()


def tick_at(app, moment: datetime) -> list[str]:
    with time_machine.travel(moment, tick=False), app.app_context():
        return run_tick()


def test_the_daily_job_sends_each_forecast_once_to_its_subscribers(places):
    app = places
    setup_forecasts(app)
    assert tick_at(app, datetime(2026, 12, 2, 3, 0, tzinfo=UTC)) == []  # first seen: due 04:00
    assert tick_at(app, SEND_AT) == ["forecasts"]
    assert tick_at(app, SEND_AT) == []  # claimed once
    assert sorted(recorded(app)) == [
        ("+254711001101", "Kiambu: showers"),
        ("+254711001102", "Kiambu: showers"),
        ("+254711001103", "Nakuru: sunny"),
        ("+254711001107", "Kiambu county: long rains"),
    ]


def test_running_the_forecast_task_twice_sends_nothing_twice(places):
    from app.subscriptions.tasks import send_forecasts

    app = places
    setup_forecasts(app)
    with time_machine.travel(SEND_AT, tick=False), app.app_context():
        assert send_forecasts() == 4
        assert send_forecasts() == 0
    assert len(recorded(app)) == 4
