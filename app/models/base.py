"""Shared column and statement helpers."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db


def utcnow() -> datetime:
    """Timezone-aware now in UTC (stored naive-UTC by SQLite, timestamptz by PostgreSQL)."""
    return datetime.now(UTC)


def utc(moment: datetime | None) -> datetime | None:
    """`moment` as an aware UTC datetime: SQLite hands back naive UTC, PostgreSQL aware."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _insert(model: Any) -> Any:
    dialect = db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


def insert_ignoring_duplicates(model: Any, keys: list[str], **values: Any) -> Any:
    """INSERT a row unless one with the same unique `keys` exists (ON CONFLICT DO NOTHING):
    safe when two workers insert the same row at once.

    Returns:
        the new row's primary key, or None when the row already existed.
    """
    statement = _insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
    return db.session.execute(statement.returning(model.id)).scalar()


def upsert(model: Any, keys: list[str], **values: Any) -> None:
    """INSERT a row, or UPDATE the one with the same unique `keys`, in one statement."""
    statement = _insert(model).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in keys}
    db.session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
