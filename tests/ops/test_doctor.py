"""`flask doctor`: every missing, unsafe or inconsistent setting, and a non-zero exit."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "SECRET_KEY": "k" * 12 + "secret-key-0123456789",
    "SESSION_SIGNING_KEY": "s" * 12 + "signing-key-0123456789",
    "PIN_PEPPER": "p" * 12 + "pepper-0123456789abcdef",
    "AT_CALLBACK_TOKEN": "t" * 12 + "token-0123456789abcdef",
    "DATABASE_URL": "postgresql://sauti:pw-0123456789@db.internal:5432/sauti",
    "REDIS_URL": "redis://:pw-0123456789@redis.internal:6379/0",
    "CELERY_BROKER_URL": "redis://:pw-0123456789@redis.internal:6379/1",
    "SMS_BACKEND": "africastalking",
    "AIRTIME_BACKEND": "africastalking",
    "AT_USERNAME": "sauti",
    "AT_API_KEY": "atkey-0123456789",
    "LOG_LEVEL": "INFO",
    "FLASK_DEBUG": "0",
}


def doctor(**changes: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEST_")}
    env.update(GOOD)
    env.update(changes)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "manage", "doctor"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_doctor_passes_production_settings():
    result = doctor()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ready for production" in result.stdout


def test_doctor_lists_every_problem_at_once_and_exits_non_zero():
    result = doctor(
        SECRET_KEY="",
        PIN_PEPPER="changeme",
        FLASK_DEBUG="1",
        REDIS_URL="redis://redis.internal:6379/0",
        DATABASE_URL="",
        CELERY_BROKER_URL="",
        SMS_BACKEND="development",
        AT_USERNAME="sandbox",
        USSD_LOCK_WAIT_SECONDS="5",
    )
    assert result.returncode == 1
    out = result.stdout
    for expected in (
        "missing or misfit: SECRET_KEY is not set",
        "unsafe: PIN_PEPPER is weak",
        "unsafe: debug is on",
        "unsafe: REDIS_URL has no password",
        "inconsistent: DATABASE_URL is unset or SQLite",
        "inconsistent: CELERY_BROKER_URL is not set",
        "inconsistent: SMS_BACKEND is development",
        "inconsistent: AT_USERNAME is sandbox",
        "USSD_HOP_BUDGET_SECONDS",
    ):
        assert expected in out, (expected, out)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"REDIS_URL": ""}, "REDIS_URL is not set"),
        ({"SESSION_SIGNING_KEY": GOOD["SECRET_KEY"]}, "same value as SECRET_KEY"),
        ({"AT_API_KEY": ""}, "SMS_BACKEND is africastalking but AT_API_KEY is not set"),
        ({"LOG_LEVEL": "DEBUG"}, "LOG_LEVEL is DEBUG"),
    ],
)
def test_doctor_names_each_problem(changes, expected):
    result = doctor(**changes)
    assert result.returncode == 1 and expected in result.stdout, result.stdout
