"""Fixtures: an app on fakes by default, on real Redis / PostgreSQL when TEST_REDIS_URL /
TEST_DATABASE_URL are set (separate variables, so a test never touches the app's data)."""

import contextlib
import logging
import os
import re
import socket
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app import create_app
from app.celery_app import celery_for
from app.extensions import db
from app.ledger import invariant_problems
from app.models import OutboxMessage
from app.seed import seed_demo
from config import sqlalchemy_url

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "test-token"
USSD_URL = f"/ussd/africastalking/{TOKEN}"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") and sqlalchemy_url(
    os.environ["TEST_DATABASE_URL"]
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


# Past USSD_HOP_BUDGET_SECONDS a hop commits nothing and says so. Tests about something
# else (forty writers at once, a random walk on a busy machine) let hops take their time.
PATIENT = {
    "USSD_HOP_BUDGET_SECONDS": 60.0,
    "USSD_LOCK_TTL_SECONDS": 120.0,
    "DATABASE_LOCK_TIMEOUT_SECONDS": 50.0,
    "DATABASE_STATEMENT_TIMEOUT_SECONDS": 50.0,
}


def make_app(tmp_path: Path, **overrides):
    """A test app: SQLite file under tmp_path (or TEST_DATABASE_URL), fakeredis (or
    TEST_REDIS_URL), the shipped menus unless MENUS_DIR is overridden."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SESSION_SIGNING_KEY": "test-signing-key",
        "PIN_PEPPER": "test-pepper",
        "AT_CALLBACK_TOKEN": TOKEN,
        "HUBTEL_CALLBACK_TOKEN": TOKEN,
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "REDIS_URL": TEST_REDIS_URL,
        "CELERY_BROKER_URL": None,
        "SMS_BACKEND": "development",
        "AIRTIME_BACKEND": "development",
        # Tests dial the same numbers many times a minute; the limit has its own test.
        "USSD_NEW_SESSIONS_PER_MINUTE": 0,
    }
    config.update(overrides)
    app = create_app(config)
    # Celery is built on first use, and the last built is the default that shared tasks
    # run on: build this app's now, so tasks called directly run on it, not on an app an
    # earlier test made (one app per process never meets this outside tests).
    celery_for(app)
    return app


@pytest.fixture
def app_factory(tmp_path):
    """Build apps with `make_app` overrides, each with a fresh schema; all are torn down
    (tables dropped, connections closed, Redis flushed) after the test."""
    apps = []

    def build(**overrides):
        app = make_app(tmp_path, **overrides)
        with app.app_context():
            db.drop_all()
            db.create_all()
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        if hasattr(app.extensions["redis"], "close_breaker"):
            app.extensions["redis"].close_breaker()  # a test may have left Redis "down"
        app.extensions["redis"].flushdb()
        app.extensions["redis"].close()


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def seeded(app):
    """The app with the demo customers (+254711000001.., PIN 1234) and balances."""
    with app.app_context():
        seed_demo(app.config)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ledger_invariant(app):
    """After the test: every account's entries sum to its balance, every transaction sums
    to zero, and no no-overdraft account is negative."""
    yield
    with app.app_context():
        assert invariant_problems() == []


class Handset:
    """A subscriber who dials a service code and keys replies, posted as AT posts them."""

    def __init__(self, client, msisdn="+254711000001", service_code="*384*1#", network="63902"):
        self.client, self.msisdn, self.service_code = client, msisdn, service_code
        self.network = network
        self.session_id, self.inputs = f"ATUid_{uuid.uuid4().hex}", []

    def form(self) -> dict:
        return {
            "sessionId": self.session_id,
            "serviceCode": self.service_code,
            "phoneNumber": self.msisdn,
            "networkCode": self.network,
            "text": "*".join(self.inputs),
        }

    def send(self, reply: str | None = None) -> str:
        """Post the next hop (None: the first, empty hop); return the body."""
        self.inputs += [] if reply is None else [reply]
        response = self.client.post(USSD_URL, data=self.form())
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_data(as_text=True)

    def walk(self, *replies: str) -> str:
        """Dial and send every reply; return the last body."""
        body = self.send()
        for reply in replies:
            body = self.send(reply)
        return body


@pytest.fixture
def handset(client):
    return Handset(client)


def outbox_rows(app, kind: str | None = None) -> list[OutboxMessage]:
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own on a free port (to SIGSTOP: never the shared one);
    yields (process, url)."""
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.02)
    yield process, f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=5)


@contextlib.contextmanager
def held_write_lock(app, msisdns: list[str]) -> Iterator[None]:
    """Another client holds the database lock a money hop needs: SQLite's write lock, or
    on PostgreSQL the row locks of these callers' wallets."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    with engine.connect() as other, other.begin():
        codes = [f"wallet:{msisdn}" for msisdn in msisdns]
        other.execute(
            text("SELECT id FROM accounts WHERE code = ANY(:codes) FOR UPDATE"), {"codes": codes}
        )
        yield


class LogGuard(logging.Handler):
    """Collects every log line that shows a raw MSISDN, a PIN, a gateway's raw `text`
    (replies, PINs among them) or a secret: logs carry masked numbers only."""

    SECRETS = (TOKEN, "test-secret", "test-signing-key", "test-pepper", "reliability-pepper")
    PATTERNS = (
        ("raw MSISDN", re.compile(r"\+\d{9,15}\b|(?<![\d*])(?:254|0)7\d{8}\b")),
        ("PIN", re.compile(r"(?i)\bpin\b\W{0,3}\d{4}\b")),
        ("raw text", re.compile(r"\b\d+(?:\*\d+){2,}\b")),
    )

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.violations: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a broken format string is another test's business
            return
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        for what, pattern in self.PATTERNS:
            if pattern.search(text):
                self.violations.append(f"{what} in {record.name}: {text[:200]!r}")
        for secret in self.SECRETS:
            if secret in text:
                self.violations.append(f"a secret in {record.name}: {text[:200]!r}")


LOG_GUARD = LogGuard()
logging.getLogger().addHandler(LOG_GUARD)


@pytest.fixture(autouse=True)
def no_private_data_in_logs():
    """Fail any test during which a log line showed a raw MSISDN, PIN, text or secret."""
    LOG_GUARD.violations.clear()
    yield
    if LOG_GUARD.violations:
        found, LOG_GUARD.violations[:] = list(LOG_GUARD.violations), []
        pytest.fail("private data logged:\n" + "\n".join(found[:10]))
