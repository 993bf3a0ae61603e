"""The call centre at a glance: per queue, who is waiting and how long, and which agents
are on a call. Phone numbers are masked: the status is for wallboards and logs."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.callcentre.queue import seconds_since
from app.extensions import db
from app.models import AgentPhone, CallQueue, QueueEntry
from app.models.base import utc
from app.phones import mask


def queue_status(now: datetime | None = None) -> dict[str, Any]:
    """Every queue (highest priority first) with its waiting callers and agents on call.

    Returns:
        {"at": ISO time, "queues": [{"id", "name", "number", "dequeue_number", "priority",
        "agents" (registered, active), "waiting": [{"caller" (masked), "waited_seconds",
        "enqueued_at"}] longest-waiting first, "agents_on_call": [{"agent" (masked), "name",
        "caller" (masked), "seconds" (on the call so far), "since"}]}]}.
    """
    moment = now or datetime.now(UTC)
    queues = db.session.scalars(select(CallQueue).order_by(CallQueue.priority.desc(), CallQueue.id))
    return {"at": moment.isoformat(), "queues": [_one(queue, moment) for queue in queues]}


def _one(queue: CallQueue, now: datetime) -> dict[str, Any]:
    entries = select(QueueEntry).where(QueueEntry.queue_id == queue.id)
    waiting = entries.where(QueueEntry.outcome == "waiting").order_by(
        QueueEntry.enqueued_at, QueueEntry.id
    )
    on_call = entries.where(QueueEntry.outcome == "answered", QueueEntry.ended_at.is_(None))
    names = dict(
        db.session.execute(
            select(AgentPhone.phone, AgentPhone.name).where(AgentPhone.queue_id == queue.id)
        ).all()
    )
    agents = select(func.count()).where(
        AgentPhone.queue_id == queue.id, AgentPhone.active.is_(True)
    )
    return {
        "id": queue.id,
        "name": queue.name,
        "number": queue.number,
        "dequeue_number": queue.dequeue_number,
        "priority": queue.priority,
        "agents": db.session.scalar(agents),
        "waiting": [
            {
                "caller": mask(entry.caller),
                "waited_seconds": seconds_since(entry.enqueued_at, now),
                "enqueued_at": utc(entry.enqueued_at).isoformat(),
            }
            for entry in db.session.scalars(waiting)
        ],
        "agents_on_call": [
            {
                "agent": mask(entry.dequeued_by),
                "name": names.get(entry.dequeued_by, ""),
                "caller": mask(entry.caller),
                "seconds": seconds_since(entry.dequeued_at, now),
                "since": utc(entry.dequeued_at).isoformat(),
            }
            for entry in db.session.scalars(on_call.order_by(QueueEntry.dequeued_at))
        ],
    }
