"""SQL engine options and the bounds on every SQL wait inside a hop.

Parameters are hidden from SQLAlchemy's error messages and logs (they hold MSISDNs, names
and PIN hashes). Inside a hop no SQL wait may outlast the hop's budget: SQLite waits for
the write lock at most DATABASE_LOCK_TIMEOUT_SECONDS (its busy timeout, on every
connection); PostgreSQL gets `lock_timeout` and `statement_timeout` for the hop's
transactions only (`SET LOCAL`), so CLI commands, exports and migrations are not cut short.
"""

from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import Executable
from sqlalchemy.engine import Connection

from app.extensions import db

# A connection execution option: begin with a plain (deferred) BEGIN on SQLite, so a read
# never waits for the write lock (under WAL readers do not block on a writer).
READ_ONLY = "sauti_read_only"


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """SQLALCHEMY_ENGINE_OPTIONS with parameters hidden and, on SQLite, the busy timeout."""
    options = {"hide_parameters": True, **config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("timeout", config["DATABASE_LOCK_TIMEOUT_SECONDS"])
        options["connect_args"] = connect_args
    elif config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A server that is down or unreachable costs a new connection seconds, not minutes;
        # a link that drops packets breaks an open connection within the same bound.
        bound_s = max(1, round(config["DATABASE_CONNECT_TIMEOUT_SECONDS"]))
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("connect_timeout", bound_s)
        connect_args.setdefault("tcp_user_timeout", bound_s * 1000)
        connect_args.setdefault("keepalives_idle", 10)
        options["connect_args"] = connect_args
    return options


def bound(connection: Connection) -> None:
    """Bound the waits of the transaction just begun on `connection` (PostgreSQL; SQLite is
    bounded on every connection by its busy timeout)."""
    if connection.dialect.name != "postgresql":
        return
    config = current_app.config
    lock_ms = int(config["DATABASE_LOCK_TIMEOUT_SECONDS"] * 1000)
    statement_ms = int(config["DATABASE_STATEMENT_TIMEOUT_SECONDS"] * 1000)
    connection.exec_driver_sql(
        f"SELECT set_config('lock_timeout', '{lock_ms}ms', true), "
        f"set_config('statement_timeout', '{statement_ms}ms', true)"
    )


def read_outside(statement: Executable) -> Any:
    """The first column of the first row of `statement`, read on a connection of its own
    (outside the request's transaction, which may have failed), bounded like a hop and
    never waiting for a writer.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database cannot answer.
    """
    with db.engine.connect() as connection:
        connection.execution_options(**{READ_ONLY: True})
        connection.begin()
        bound(connection)
        return connection.scalar(statement)
