"""Dispatch: move recipient rows that are due from `planned` to `queued` and hand them to
send tasks, a batch per task. Run by the scheduler's tick every minute, and right after a
bulletin is planned; safe to run twice at once (each row moves in a conditional UPDATE).
"""

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.celery_app import enqueue
from app.extensions import db
from app.models import Campaign, SmsRecipient
from app.models.base import utcnow

log = logging.getLogger(__name__)

# Rows moved per round trip; a round is committed before its tasks are enqueued.
DISPATCH_ROUND = 5000
# A row queued this long ago whose task never came (the enqueue was lost) is queued again.
REQUEUE_AFTER = timedelta(minutes=10)


def sendable() -> object:
    """Rows whose message may go now: not a campaign's, or a scheduled or running one's."""
    running = select(Campaign.id).where(
        Campaign.message_id == SmsRecipient.message_id,
        Campaign.status.in_(("scheduled", "running")),
    )
    campaign = select(Campaign.id).where(Campaign.message_id == SmsRecipient.message_id)
    return or_(~campaign.exists(), running.exists())


def dispatch_due(now: datetime | None = None) -> int:
    """Queue every due row and enqueue its send task.

    Returns:
        how many rows were queued.
    """
    now = now or utcnow()
    queued = 0
    while True:
        ids = list(
            db.session.scalars(
                select(SmsRecipient.id)
                .where(
                    SmsRecipient.status == "planned",
                    SmsRecipient.due_at <= now,
                    or_(SmsRecipient.expires_at.is_(None), SmsRecipient.expires_at > now),
                    sendable(),
                )
                .order_by(SmsRecipient.message_id, SmsRecipient.id)
                .limit(DISPATCH_ROUND)
            )
        )
        if not ids:
            db.session.rollback()
            return queued
        moved = _move(ids, "planned", "queued", now)
        db.session.commit()
        enqueue_sends(moved)
        queued += len(moved)


def requeue_stale(now: datetime | None = None) -> int:
    """Enqueue send tasks again for rows left `queued` past REQUEUE_AFTER (their task was
    lost). A second task for a row is harmless: only one can claim it."""
    now = now or utcnow()
    ids = list(
        db.session.scalars(
            select(SmsRecipient.id)
            .where(
                SmsRecipient.status == "queued",
                or_(
                    SmsRecipient.status_at.is_(None),
                    SmsRecipient.status_at < now - REQUEUE_AFTER,
                ),
                sendable(),
            )
            .order_by(SmsRecipient.message_id, SmsRecipient.id)
        )
    )
    if ids:
        moved = _move(ids, "queued", "queued", now)
        db.session.commit()
        enqueue_sends(moved)
        return len(moved)
    db.session.rollback()
    return 0


def _move(ids: list[int], old: str, new: str, now: datetime) -> list[int]:
    statement = (
        update(SmsRecipient)
        .where(and_(SmsRecipient.id.in_(ids), SmsRecipient.status == old))
        .values(status=new, status_at=now)
        .returning(SmsRecipient.id)
    )
    return sorted(db.session.scalars(statement))


def batches(ids: list[int], size: int) -> Iterator[list[int]]:
    """`ids` in consecutive slices of `size`."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def enqueue_sends(ids: list[int]) -> None:
    """One send task per SMS_BATCH_SIZE rows, on the `campaigns` queue (in-process when
    there is no broker)."""
    from app.sms.tasks import send_batch  # the task module needs Celery set up

    for batch in batches(ids, current_app.config["SMS_BATCH_SIZE"]):
        enqueue(send_batch, batch)
