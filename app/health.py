"""Probes for the orchestrator: `GET /healthz` (the process answers) and `GET /readyz`
(Redis, SQL and the broker answer within READYZ_TIMEOUT_SECONDS, the schema is at head).

A load balancer sends callers only to an instance whose `/readyz` is 200; a 503 lists
each failed check by name, so the operator sees which dependency is down.
"""

import concurrent.futures
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.extensions import db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Checks run in parallel on these threads; a hung dependency keeps at most one busy.
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


@bp.get("/healthz")
def healthz() -> Any:
    """The process is up and serving requests (no dependency is touched)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Any:
    """Every dependency answers in time and the schema is at the migrations' head.

    Returns:
        200 `{"status": "ready", "checks": {name: {"ok": true, "ms": …}}}`, or 503 with
        `"status": "unready"` and, for each failed check, its `error`.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    checks = readiness_checks(app)
    results = run_checks(checks, app.config["READYZ_TIMEOUT_SECONDS"])
    ready = all(result["ok"] for result in results.values())
    if not ready:
        failed = {name: r["error"] for name, r in results.items() if not r["ok"]}
        log.warning("not ready: %s", failed)
    body = {"status": "ready" if ready else "unready", "checks": results}
    return jsonify(body), 200 if ready else 503


def readiness_checks(app: Flask) -> dict[str, Callable[[], object]]:
    """The checks `/readyz` runs, by name; each raises (or returns False) on failure."""
    engine = db.engine  # resolved here: the checks run outside the app context
    client = app.extensions["redis"]
    checks: dict[str, Callable[[], object]] = {
        "redis": client.ping,
        "sql": lambda: _sql_answers(engine, app.config["READYZ_TIMEOUT_SECONDS"]),
        "migrations": lambda: _schema_at_head(engine, app),
    }
    broker = app.config.get("CELERY_BROKER_URL")
    if broker:
        checks["broker"] = lambda: _broker_answers(broker, app.config["READYZ_TIMEOUT_SECONDS"])
    return checks


def run_checks(checks: dict[str, Callable[[], object]], timeout_s: float) -> dict[str, dict]:
    """Run every check at once; a check still running after `timeout_s` has failed."""
    started = time.monotonic()
    futures = {name: _POOL.submit(check) for name, check in checks.items()}
    done, _ = concurrent.futures.wait(futures.values(), timeout=timeout_s)
    results: dict[str, dict] = {}
    for name, future in futures.items():
        if future not in done:
            future.cancel()
            results[name] = {"ok": False, "error": f"no answer within {timeout_s} s"}
            continue
        try:
            answer = future.result()
        except Exception as err:  # any failure of a dependency is "not ready", named
            results[name] = {"ok": False, "error": f"{type(err).__name__}: {err}"[:200]}
            continue
        if answer is False:
            results[name] = {"ok": False, "error": "check failed"}
        elif isinstance(answer, str):
            results[name] = {"ok": False, "error": answer}
        else:
            results[name] = {"ok": True}
    elapsed_ms = round((time.monotonic() - started) * 1000, 1)
    for result in results.values():
        result.setdefault("ms", elapsed_ms)
    return results


def _sql_answers(engine: Engine, timeout_s: float) -> bool:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # A locked or overloaded server must not hold the probe (milliseconds).
            connection.execute(text(f"SET statement_timeout = {int(timeout_s * 1000)}"))
        return connection.execute(text("SELECT 1")).scalar() == 1


def _broker_answers(url: str, timeout_s: float) -> bool:
    if not url.startswith(("redis://", "rediss://")):
        return True  # only the Redis broker is supported; others are not probed
    client = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
    try:
        return bool(client.ping())
    finally:
        client.close()


def migration_heads(app: Flask) -> frozenset[str]:
    """The head revisions of migrations/, read once per app."""
    heads = app.extensions.get("migration_heads")
    if heads is None:
        from alembic.config import Config as AlembicConfig
        from alembic.script import ScriptDirectory

        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        heads = app.extensions["migration_heads"] = frozenset(
            ScriptDirectory.from_config(config).get_heads()
        )
    return heads


def _schema_at_head(engine: Engine, app: Flask) -> bool | str:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
    heads = migration_heads(app)
    if current == heads:
        return True
    found = sorted(current) or "nothing"
    return f"schema at {found}, migrations at {sorted(heads)}: run flask db upgrade"


def init_app(app: Flask) -> None:
    """Register the probes."""
    app.register_blueprint(bp)
