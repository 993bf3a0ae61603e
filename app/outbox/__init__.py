"""The outbox: SMS, airtime and calls are written as rows in the transaction that caused
them, and delivered after commit by a Celery task (eager in the embedded default).

Flow: `queue()` inside the hop's transaction -> commit -> `dispatch_queued()` enqueues one
`deliver` task per new row -> the task sends through the configured backend and records
what it sent on the row, so a redelivered task sends nothing twice.
"""

from typing import Any

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


def dispatch_queued() -> int:
    """After commit: enqueue delivery of the rows queued in that transaction.

    Returns:
        how many deliveries were enqueued.
    """
    rows = db.session.info.pop(_PENDING_KEY, [])
    from app.outbox.tasks import deliver  # the task module imports Celery's app

    for row in rows:
        deliver.delay(row.id)
    return len(rows)


def discard_queued() -> None:
    """After rollback: forget the rows queued in the rolled-back transaction."""
    db.session.info.pop(_PENDING_KEY, None)
