"""Hop outcomes: the truth of a hop that changed SQL, committed with the change.

A hop that wrote to SQL records its outcome (the session's state after it, and so the
screen the caller read) in the same transaction, under (session id, hop key). Redis holds
the same state for speed, but may lose it: a retry of the hop (the gateway's repeat, or
the attempt after Redis failed or the hop's lock ran out) finds the row and answers with
it, as a stored idempotent response does. A hop that answered the caller is never tried
afresh.

While a hop runs, its SQL session is marked: its transactions get the hop's timeouts
(app/database.py) and its writes are noted, so a hop that only reads records nothing.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from app.database import bound, read_outside
from app.extensions import db
from app.models import HopOutcome
from app.models.base import insert_ignoring_duplicates, utcnow

_HOP = "sauti.hop"  # session.info: a hop is running on this SQL session
_WROTE = "sauti.wrote"  # session.info: the current transaction changed something
RETENTION_SECONDS = 24 * 3600  # a retry comes within the session's TTL; a day is plenty


def start_hop() -> None:
    """Mark the request's SQL session as running a hop (bounded waits, writes noted)."""
    db.session.info[_HOP] = True
    db.session.info.pop(_WROTE, None)


def end_hop() -> None:
    db.session.info.pop(_HOP, None)
    db.session.info.pop(_WROTE, None)


def wrote() -> bool:
    """Whether the hop's open transaction changed anything in SQL."""
    return bool(db.session.info.get(_WROTE))


def record(session_id: str, hop_key: str, state: dict[str, Any]) -> bool:
    """Add the hop's outcome to the current transaction (one INSERT).

    Args:
        state: `InterrogationSession.to_state()` after the hop, screens laid out.

    Returns:
        False when this hop's outcome is already recorded (an earlier attempt committed).
    """
    new_id = insert_ignoring_duplicates(
        HopOutcome,
        ["session_id", "hop_key"],
        session_id=session_id,
        hop_key=hop_key,
        state=state,
        created_at=utcnow(),
    )
    return new_id is not None


def find(session_id: str, hop_key: str) -> dict[str, Any] | None:
    """The state recorded by an earlier attempt of this hop, if one committed. Read outside
    the hop's own transaction, without waiting for a writer.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database cannot say.
    """
    return read_outside(
        select(HopOutcome.state).where(
            HopOutcome.session_id == session_id, HopOutcome.hop_key == hop_key
        )
    )


def prune(older_than_seconds: int = RETENTION_SECONDS) -> int:
    """Delete outcomes older than `older_than_seconds`; returns how many went."""
    cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
    result = db.session.execute(delete(HopOutcome).where(HopOutcome.created_at < cutoff))
    db.session.commit()
    return result.rowcount


@event.listens_for(Session, "after_begin")
def _bound_hop(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    if session.info.get(_HOP):
        bound(connection)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: object) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session: Session) -> None:
    session.info.pop(_WROTE, None)
