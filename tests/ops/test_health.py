"""`/healthz` and `/readyz`: what a load balancer asks before sending callers."""

import socket
import threading
import time

import pytest

from app import sessions
from app.extensions import db


@pytest.fixture
def with_redis_at(app_factory):
    """Build an app whose Redis client points at `url`, torn down on the real one."""
    swapped = []

    def build(url: str, **overrides):
        app = app_factory(**overrides)
        swapped.append((app, app.extensions["redis"], app.extensions["session_store"]))
        app.config["REDIS_URL"] = url
        sessions.init_app(app)
        return app

    yield build
    for app, client, store in swapped:
        app.extensions["redis"].close()
        app.extensions["redis"], app.extensions["session_store"] = client, store


def _stamp_head(app):
    result = app.test_cli_runner().invoke(args=["db", "stamp", "head"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def hung_port():
    """A port that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_without_touching_dependencies(with_redis_at):
    app = with_redis_at(f"redis://127.0.0.1:{_closed_port()}/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_ready_when_everything_answers_and_the_schema_is_at_head(app):
    _stamp_head(app)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready"
    assert set(response.json["checks"]) == {"redis", "sql", "migrations"}


def test_readyz_names_a_schema_behind_the_migrations(app):
    with app.app_context():
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert "flask db upgrade" in response.json["checks"]["migrations"]["error"]


def test_readyz_names_a_redis_that_refuses_connections(with_redis_at):
    app = with_redis_at(f"redis://127.0.0.1:{_closed_port()}/0")
    _stamp_head(app)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.json["checks"]
    assert not checks["redis"]["ok"] and checks["sql"]["ok"] and checks["migrations"]["ok"]


def test_readyz_answers_within_its_timeout_when_redis_hangs(with_redis_at, hung_port):
    app = with_redis_at(
        f"redis://127.0.0.1:{hung_port}/0",
        REDIS_SOCKET_TIMEOUT_SECONDS=0.4,
        REDIS_RETRIES=0,
        READYZ_TIMEOUT_SECONDS=0.2,
    )
    _stamp_head(app)
    started = time.monotonic()
    response = app.test_client().get("/readyz")
    assert time.monotonic() - started < 1.0
    assert response.status_code == 503
    assert "no answer within 0.2 s" in response.json["checks"]["redis"]["error"]


def test_readyz_names_a_broker_that_is_down(app_factory):
    app = app_factory(CELERY_BROKER_URL=f"redis://127.0.0.1:{_closed_port()}/1")
    _stamp_head(app)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert not response.json["checks"]["broker"]["ok"]
