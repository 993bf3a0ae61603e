"""The outbox: SMS, airtime and calls are written as rows in the transaction that caused
them, and delivered after commit by a Celery task (eager in the embedded default).

Flow: `queue()` inside the hop's transaction -> `commit_and_dispatch()` commits and enqueues
one `deliver` task per new row -> the task sends through the configured backend and records
what it sent on the row, so a redelivered task sends nothing twice.
"""

from typing import Any

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage

_PENDING_KEY = "sauti.outbox.queued"


def queue(kind: str, recipient: str, payload: dict[str, Any], dedupe_key: str) -> OutboxMessage:
    """Add one piece of outgoing work to the current transaction.

    Args:
        kind: "sms", "airtime" or "call".
        recipient: E.164 MSISDN.
        payload: e.g. {"message": "..."} or {"amount_minor": 5000, "currency": "KES"}.
        dedupe_key: unique per cause; an existing row with this key is returned instead.
    """
    existing = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
    )
    if existing is not None:
        return existing
    row = OutboxMessage(kind=kind, recipient=recipient, payload=payload, dedupe_key=dedupe_key)
    db.session.add(row)
    db.session.info.setdefault(_PENDING_KEY, []).append(row)
    return row


def commit_and_dispatch() -> int:
    """Commit the current transaction, then enqueue delivery of the rows it queued.

    The ids are read before the commit: reading them after would open a new transaction
    on this session (and on SQLite hold the write lock an eager task then waits for).

    Returns:
        how many deliveries were enqueued.
    """
    if not db.session.registry.has():
        return 0  # this request never touched the database: nothing to commit
    db.session.flush()
    ids = [row.id for row in db.session.info.pop(_PENDING_KEY, [])]
    db.session.commit()
    from app.outbox.tasks import deliver  # imported late: the task module needs Celery set up

    # Without a broker (the embedded default) the task runs here and now: calling it skips
    # Celery's eager tracing, which costs more than sending to a development backend.
    in_process = current_app.extensions["celery"].conf.task_always_eager
    for outbox_id in ids:
        if in_process:
            deliver(outbox_id)
        else:
            deliver.delay(outbox_id)
    return len(ids)


def discard_queued() -> None:
    """After rollback: forget the rows queued in the rolled-back transaction."""
    db.session.info.pop(_PENDING_KEY, None)
