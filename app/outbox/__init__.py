"""The outbox: SMS, airtime and calls are written as rows in the transaction that caused
them, and delivered after commit by a Celery task (eager in the embedded default).

Flow: `queue()` inside the hop's transaction -> `commit_and_dispatch()` commits and enqueues
one `deliver` task per new row -> the task sends through the configured backend and records
what it sent on the row, so a redelivered task sends nothing twice.
"""

from typing import Any

from app.celery_app import enqueue
from app.extensions import db
from app.models import OutboxMessage
from app.models.base import insert_ignoring_duplicates, utcnow

_PENDING_KEY = "sauti.outbox.queued"


def queue(kind: str, recipient: str, payload: dict[str, Any], dedupe_key: str) -> int | None:
    """Add one piece of outgoing work to the current transaction (one INSERT).

    Args:
        kind: "sms", "airtime" or "call".
        recipient: E.164 MSISDN.
        payload: e.g. {"message": "..."} or {"amount_minor": 5000, "currency": "KES"}.
        dedupe_key: unique per cause; a second row with the same key is not added.

    Returns:
        the new row's id, or None when this work was already queued.
    """
    outbox_id = insert_ignoring_duplicates(
        OutboxMessage,
        ["dedupe_key"],
        kind=kind,
        recipient=recipient,
        payload=payload,
        dedupe_key=dedupe_key,
        status="pending",
        backend="",
        attempts=0,
        error="",
        created_at=utcnow(),
    )
    if outbox_id is not None:
        db.session.info.setdefault(_PENDING_KEY, []).append(outbox_id)
    return outbox_id


def commit_and_dispatch() -> int:
    """Commit the current transaction, then enqueue delivery of the rows it queued.

    The ids were taken when the rows were inserted: reading rows after the commit would
    open a new transaction on this session (and on SQLite hold the write lock an eager
    task then waits for).

    Returns:
        how many deliveries were enqueued.
    """
    if not db.session.registry.has():
        return 0  # this request never touched the database: nothing to commit
    ids = db.session.info.pop(_PENDING_KEY, [])
    db.session.commit()
    from app.outbox.tasks import deliver  # imported late: the task module needs Celery set up

    for outbox_id in ids:
        enqueue(deliver, outbox_id)
    return len(ids)


def discard_queued() -> None:
    """After rollback: forget the rows queued in the rolled-back transaction."""
    db.session.info.pop(_PENDING_KEY, None)
