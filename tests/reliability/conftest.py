"""The reliability suite's servers: one PostgreSQL cluster for the run (a migrated, seeded
template database copied for each test), and per test a fresh redis-server, database and
Sauti under gunicorn. Every server listens on a free loopback port and is always stopped.

Run with `make reliability` (`pytest -m "reliability and not slow"`; CI does);
`--load-seconds 60` gives the full-length load test (CI uses the short default).
"""

import os
import shutil
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.reliability.servers import (
    ROOT,
    PostgresServer,
    RedisServer,
    Sauti,
    app_env,
    flask,
    running,
)

HERE = Path(__file__).parent
DEFAULT_LOAD_SECONDS = 12
TEMPLATE_DB = "sauti_template"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--load-seconds",
        type=float,
        default=float(os.environ.get("RELIABILITY_LOAD_SECONDS", DEFAULT_LOAD_SECONDS)),
        help="how long the load tests run (the full-length test: 60)",
    )


def _missing_tools() -> list[str]:
    return [tool for tool in ("redis-server", "initdb", "pg_ctl") if not shutil.which(tool)]


@pytest.fixture(scope="session")
def load_seconds(request: pytest.FixtureRequest) -> float:
    return request.config.getoption("--load-seconds")


@pytest.fixture(scope="session")
def menus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped definitions plus the peer harness's journey on *384*99#."""
    folder = tmp_path_factory.mktemp("menus")
    for path in (ROOT / "app" / "menus").glob("*.yaml"):
        shutil.copy(path, folder)
    shutil.copy(HERE / "menus" / "bench_journey.yaml", folder)
    return folder


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory, menus_dir: Path):
    """A PostgreSQL cluster for the run, with a migrated and seeded template database."""
    if missing := _missing_tools():
        pytest.skip(f"the reliability suite needs {', '.join(missing)} on PATH")
    server = PostgresServer()
    server.init()
    server.start()
    try:
        url = server.create_database(TEMPLATE_DB)
        env = app_env("redis://127.0.0.1:1/0", url, MENUS_DIR=str(menus_dir))
        env.pop("REDIS_URL")
        flask(env, "db", "upgrade")
        flask(env, "seed")
        yield server
    finally:
        server.remove()


@dataclass
class Stack:
    """What one test runs on: its Redis, database URL and the environment of its servers."""

    redis: RedisServer
    postgres: PostgresServer
    database: str
    env: dict[str, str]
    folder: Path
    stack: ExitStack

    @property
    def database_url(self) -> str:
        return self.postgres.url(self.database)

    def sauti(self, name: str = "sauti", app: str = "app:create_app()", **extra: str) -> Sauti:
        """Start one more Sauti (2 sync workers) on this stack; stopped after the test."""
        env = dict(self.env, **extra)
        server = Sauti(env, self.folder / f"{name}.log", app=app).start()
        self.stack.enter_context(running(server))
        return server

    def sql(self, query: str, *params: object) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()


@pytest.fixture
def stack(postgres: PostgresServer, menus_dir: Path, tmp_path: Path):
    """A fresh Redis and a fresh copy of the seeded database for one test."""
    database = f"sauti_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{TEMPLATE_DB}"')
    redis_server = RedisServer(tmp_path / "redis").start()
    env = app_env(redis_server.url(0), postgres.url(database), MENUS_DIR=str(menus_dir))
    with ExitStack() as exits:
        exits.enter_context(running(redis_server))
        yield Stack(redis_server, postgres, database, env, tmp_path, exits)
    with psycopg.connect(postgres.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def ledger_problems(database_url: str) -> list[str]:
    """The ledger invariant on `database_url`, checked by the app's own code."""
    from app import create_app
    from app.extensions import db
    from app.ledger import invariant_problems
    from config import sqlalchemy_url

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(database_url),
            "REDIS_URL": None,
            "MENUS_DIR": ROOT / "tests" / "fixtures" / "menus",
        }
    )
    with app.app_context():
        try:
            return invariant_problems()
        finally:
            db.session.remove()
            db.engine.dispose()
