"""Retries up to MAX_SMS_TRY_LIMIT, and rows left `sending` by a process that died."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import SmsRecipient
from app.scheduling import run_tick
from app.sms import gateway, sending
from app.sms.dispatch import dispatch_due
from tests.sms import add_client, recorded, send_notice, statuses

KE = ["+254711000701", "+254711000702"]


def test_a_refused_send_is_retried_then_given_up(app_factory):
    app = app_factory(
        SMS_DEVELOPMENT_REJECTIONS={KE[1]: 500}, MAX_SMS_TRY_LIMIT=3, SMS_RETRY_DELAY_SECONDS=60
    )
    with app.app_context():
        add_client(KE[0])
        add_client(KE[1])
        db.session.commit()
    start = datetime.now(UTC)
    send_notice(app, "Forecast", KE)
    assert statuses(app) == {KE[0]: "success", KE[1]: "planned"}
    for minutes in (1, 3):  # back-off: 60 s, then 120 s
        with time_machine.travel(start + timedelta(minutes=minutes, seconds=5), tick=False):
            with app.app_context():
                run_tick()
    with app.app_context():
        row = db.session.scalar(select(SmsRecipient).where(SmsRecipient.msisdn == KE[1]))
        assert (row.status, row.attempts, row.failure_reason) == ("failed", 3, "StatusCode500")
    assert recorded(app) == [(KE[0], "Forecast")]


def test_a_final_refusal_is_not_retried(app_factory):
    app = app_factory(SMS_DEVELOPMENT_REJECTIONS={KE[0]: 403})
    with app.app_context():
        add_client(KE[0])
        db.session.commit()
    send_notice(app, "Hi", [KE[0]])
    assert statuses(app) == {KE[0]: "failed"}


class Died(BaseException):
    """The process dying inside the gateway call (not an error anything catches)."""


@pytest.mark.parametrize("gateway_took_it", [True, False])
def test_rows_left_sending_by_a_dead_attempt_are_settled_not_resent(
    app_factory, monkeypatch, gateway_took_it
):
    app = app_factory()
    with app.app_context():
        for msisdn in KE:
            add_client(msisdn)
        db.session.commit()
    real_send = gateway.send

    def dies(*args, **kwargs):
        if gateway_took_it:
            real_send(*args, **kwargs)
        raise Died

    monkeypatch.setattr(gateway, "send", dies)
    with pytest.raises(Died):
        send_notice(app, "Once", KE)
    monkeypatch.setattr(gateway, "send", real_send)
    assert set(statuses(app).values()) == {"sending"}
    with app.app_context():
        ids = list(db.session.scalars(select(SmsRecipient.id)))
        task_id = db.session.scalar(select(SmsRecipient.claimed_by))
        db.session.rollback()
        # the task is delivered again (same task id): it settles its rows first
        sending.send_batch(ids, task_id)
        dispatch_due()
    assert sorted(recorded(app)) == [(msisdn, "Once") for msisdn in KE]
    # settled from the gateway's records (no report was simulated for them), or sent now
    assert set(statuses(app).values()) == ({"sent"} if gateway_took_it else {"success"})
