"""The outbox: SMS, airtime and calls are written as rows in the transaction that caused
them, and delivered after commit by a Celery task (eager in the embedded default).

Flow: `queue()` inside the hop's transaction -> `commit()` -> `dispatch()` enqueues one
`deliver` task per new row -> the task sends through the configured backend and records
what it sent on the row, so a redelivered task sends nothing twice.
"""

import logging
from typing import Any

from flask import current_app

from app.extensions import db
from app.models import OutboxMessage
from app.models.base import insert_ignoring_duplicates, utcnow

_PENDING_KEY = "sauti.outbox.queued"
log = logging.getLogger(__name__)


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


def commit() -> list[int]:
    """Commit the current transaction; return the ids of the outbox rows it queued.

    The ids were taken when the rows were inserted: reading rows after the commit would
    open a new transaction on this session (and on SQLite hold the write lock an eager
    task then waits for).
    """
    if not db.session.registry.has():
        return []  # this request never touched the database: nothing to commit
    ids = db.session.info.pop(_PENDING_KEY, [])
    db.session.commit()
    return ids


def dispatch(ids: list[int]) -> None:
    """Enqueue delivery of committed outbox rows (run them now without a broker).

    A delivery that fails here is left pending for the sweep; it never undoes the commit.
    """
    if not ids:
        return
    from app.celery_app import celery_for
    from app.outbox.tasks import deliver  # imported late: the task module needs Celery set up

    # Without a broker (the embedded default) the task runs here and now: calling it skips
    # Celery's eager tracing, which costs more than sending to a development backend.
    in_process = celery_for(current_app._get_current_object()).conf.task_always_eager
    for outbox_id in ids:
        try:
            if in_process:
                deliver(outbox_id)
            else:
                deliver.delay(outbox_id)
        except Exception:  # the row stays pending: `outbox sweep` (Celery beat) retries it
            db.session.rollback()
            log.exception("outbox %s: delivery not started; left for the sweep", outbox_id)


def discard_queued() -> None:
    """After rollback: forget the rows queued in the rolled-back transaction."""
    db.session.info.pop(_PENDING_KEY, None)
