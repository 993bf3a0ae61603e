"""SQLite as the embedded default: WAL, foreign keys, and every transaction opened with
BEGIN IMMEDIATE so that writers queue up front instead of failing on lock upgrade
(SQLite's stand-in for PostgreSQL's row lock on money moves). The busy timeout, how long
a writer queues, is DATABASE_LOCK_TIMEOUT_SECONDS (see app/database.py); a connection
marked read-only opens a plain BEGIN and never queues.

Recipe: SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL" for
pysqlite (take over BEGIN from the driver).
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from app.database import READ_ONLY


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection: object, _record: object) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        read_only = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
