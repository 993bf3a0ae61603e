"""A real worker on a real Redis broker, killed with `kill -9` in the middle of a bulk
send: the task is delivered again and every recipient gets exactly one SMS.

Runs when TEST_REDIS_URL is set (as in CI); the broker is TEST_CELERY_BROKER_URL, or
TEST_REDIS_URL itself.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.celery_app import celery_for
from app.extensions import db
from app.models import DevelopmentSms, SmsRecipient
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL
from tests.sms import add_client, send_notice

BROKER = os.environ.get("TEST_CELERY_BROKER_URL") or TEST_REDIS_URL
RECIPIENTS = [f"+2547110020{n:02d}" for n in range(40)]
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not BROKER, reason="needs TEST_REDIS_URL (a real broker)")


def worker_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": TEST_REDIS_URL or BROKER,
        "CELERY_BROKER_URL": BROKER,
        "SECRET_KEY": "test-secret",
        "SESSION_SIGNING_KEY": "test-signing-key",
        "PIN_PEPPER": "test-pepper",
        "AT_CALLBACK_TOKEN": "test-token",
        "SMS_BACKEND": "development",
        "SMS_BATCH_SIZE": "5",
        # a slow gateway (8 batches, 12 s in all), so that the kill lands while a batch is
        # being sent even when the machine is busy and the test polls late
        "SMS_DEVELOPMENT_LATENCY_SECONDS": "1.5",
    }


def counts(app) -> tuple[int, int]:
    """(messages the gateway took, rows still pending)."""
    with app.app_context():
        took = db.session.scalar(select(func.count()).select_from(DevelopmentSms))
        pending = db.session.scalar(
            select(func.count()).where(SmsRecipient.status.in_(("planned", "queued", "sending")))
        )
        db.session.rollback()
        return took, pending


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def pool_child(worker: subprocess.Popen) -> int:
    """The pid of the worker's one pool process (the one running tasks)."""
    children = subprocess.run(
        ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert children, "the worker has no pool process"
    return int(children[-1])


def test_a_worker_killed_mid_send_sends_each_message_exactly_once(app_factory, tmp_path):
    database_url = TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.db'}"
    app = app_factory(CELERY_BROKER_URL=BROKER, SMS_BATCH_SIZE=5)
    celery_for(app).control.purge()
    with app.app_context():
        for msisdn in RECIPIENTS:
            add_client(msisdn)
        db.session.commit()
    send_notice(app, "Exactly once", RECIPIENTS)  # 8 send tasks on the `campaigns` queue
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    command = [sys.executable, "-m", "celery", "-A", "app.worker", "worker", "-Q", "campaigns"]
    options = ["-c", "1", "--without-heartbeat", "--without-mingle", "--without-gossip"]
    worker = subprocess.Popen(
        [*command, *options, "-l", "info"],
        cwd=ROOT,
        env=worker_env(database_url),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: counts(app)[0] >= 12, 90)
        os.kill(pool_child(worker), signal.SIGKILL)
        wait_for(lambda: counts(app)[1] == 0, 90)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        log.close()
    worker_log = (tmp_path / "worker.log").read_text()
    assert "WorkerLostError" in worker_log, worker_log[-2000:]
    with app.app_context():
        took = Counter(db.session.scalars(select(DevelopmentSms.msisdn)))
        statuses = set(db.session.scalars(select(SmsRecipient.status)))
    assert took == Counter(RECIPIENTS)  # every recipient, each exactly once
    assert statuses <= {"success", "sent"}
