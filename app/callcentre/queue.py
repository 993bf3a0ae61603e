"""Queue state in SQL, mirrored from the gateway's own queue: callers enqueued, agents
dequeuing the longest-waiting caller, and the status callbacks that end waits and calls.

Every function commits and is idempotent on the gateway's call ids: a repeated callback
changes nothing. Two agents dequeuing at once never get the same caller: the claim is a
conditional UPDATE (`… WHERE outcome = 'waiting'`), and the loser takes the next caller.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AgentPhone, CallQueue, QueueEntry
from app.models.base import insert_ignoring_duplicates, row_for_call, utc
from app.phones import mask

log = logging.getLogger(__name__)

CONNECT = "connect"
QUEUE_EMPTY = "queue_empty"
NOT_AN_AGENT = "not_an_agent"
NO_SUCH_QUEUE = "no_such_queue"

AGENT_MESSAGES = {
    QUEUE_EMPTY: "Nobody is waiting in the queue. Goodbye.",
    NOT_AN_AGENT: "This phone is not registered as an agent for this queue. Goodbye.",
    NO_SUCH_QUEUE: "Sorry, this number is not in service. Goodbye.",
}
_CLAIM_TRIES = 5


@dataclass(frozen=True)
class Dequeue:
    """What an agent's call to a dequeue number gets (plain data).

    Attributes:
        outcome: "connect" (to the caller of `entry_id`), "queue_empty", "not_an_agent" or
            "no_such_queue" (say `message` and hang up).
        entry_id: the queue entry taken (None unless "connect").
        queue_name: the gateway queue to take from (AT `Dequeue name`, Twilio `<Queue>`).
        queue_number: the number its callers dialled (AT `Dequeue phoneNumber`).
        caller: the caller's E.164 MSISDN, for the agent's screen (never for logs).
        waited_seconds: how long the caller waited.
        message: what the agent hears when not connected (English).
    """

    outcome: str
    entry_id: int | None = None
    queue_name: str = ""
    queue_number: str = ""
    caller: str = ""
    waited_seconds: int | None = None
    message: str = ""


def seconds_since(moment: datetime, now: datetime) -> int:
    """Whole seconds from `moment` (as stored: naive UTC on SQLite) to `now` (aware)."""
    return max(0, round((now - utc(moment)).total_seconds()))


def enqueue(
    queue_id: int, caller: str, gateway: str, call_id: str, at: datetime | None = None
) -> QueueEntry:
    """Put a caller in a queue (`Admission.queue_id`) as the voice layer renders `<Enqueue>`.
    A repeated callback for the same call returns the same entry. Commits.

    Args:
        queue_id: the queue.
        caller: the caller's E.164 MSISDN.
        gateway, call_id: the caller's call (Twilio `CallSid`, AT `sessionId`).
        at: when (aware; default now).
    """
    insert_ignoring_duplicates(
        QueueEntry,
        ["gateway", "call_id"],
        queue_id=queue_id,
        gateway=gateway,
        call_id=call_id,
        caller=caller,
        outcome="waiting",
        enqueued_at=at or datetime.now(UTC),
    )
    db.session.commit()
    return _entry(gateway, call_id)


def _entry(gateway: str, call_id: str, lock: bool = False) -> QueueEntry:
    return row_for_call(QueueEntry, gateway, call_id, lock)


def _connect(entry: QueueEntry) -> Dequeue:
    return Dequeue(
        CONNECT,
        entry.id,
        entry.queue.name,
        entry.queue.number,
        entry.caller,
        entry.waited_seconds,
    )


def dequeue(
    dequeue_number: str,
    agent_phone: str,
    gateway: str,
    agent_call_id: str,
    at: datetime | None = None,
) -> Dequeue:
    """Give an agent's call the longest-waiting caller of its queues (highest priority
    queue first). A repeated callback for the same agent call returns the same caller.
    Commits.

    Args:
        dequeue_number: the number the agent dialled (E.164).
        agent_phone: the agent's E.164 number (must be registered for the queue).
        gateway, agent_call_id: the agent's call.
        at: when (aware; default now).
    """
    queues = select(CallQueue.id).where(CallQueue.dequeue_number == dequeue_number)
    queue_ids = list(db.session.scalars(queues))
    if not queue_ids:
        log.warning("dequeue call to unknown number %s", mask(dequeue_number))
        return Dequeue(NO_SUCH_QUEUE, message=AGENT_MESSAGES[NO_SUCH_QUEUE])
    agent_queues = list(
        db.session.scalars(
            select(AgentPhone.queue_id).where(
                AgentPhone.phone == agent_phone,
                AgentPhone.active.is_(True),
                AgentPhone.queue_id.in_(queue_ids),
            )
        )
    )
    if not agent_queues:
        log.warning("dequeue refused to unregistered phone %s", mask(agent_phone))
        return Dequeue(NOT_AN_AGENT, message=AGENT_MESSAGES[NOT_AN_AGENT])
    return _claim(agent_queues, agent_phone, gateway, agent_call_id, at or datetime.now(UTC))


def _claimed_by(gateway: str, agent_call_id: str) -> QueueEntry | None:
    query = select(QueueEntry).where(
        QueueEntry.gateway == gateway, QueueEntry.agent_call_id == agent_call_id
    )
    return db.session.scalar(query)


def _claim(
    queue_ids: list[int], agent_phone: str, gateway: str, agent_call_id: str, now: datetime
) -> Dequeue:
    if (already := _claimed_by(gateway, agent_call_id)) is not None:
        return _connect(already)
    oldest = (
        select(QueueEntry.id, QueueEntry.enqueued_at)
        .join(CallQueue, QueueEntry.queue_id == CallQueue.id)
        .where(QueueEntry.queue_id.in_(queue_ids), QueueEntry.outcome == "waiting")
        .order_by(CallQueue.priority.desc(), QueueEntry.enqueued_at, QueueEntry.id)
        .limit(1)
    )
    for _try in range(_CLAIM_TRIES):
        candidate = db.session.execute(oldest).first()
        if candidate is None:
            db.session.commit()
            return Dequeue(QUEUE_EMPTY, message=AGENT_MESSAGES[QUEUE_EMPTY])
        claim = (
            update(QueueEntry)
            .where(QueueEntry.id == candidate.id, QueueEntry.outcome == "waiting")
            .values(
                outcome="answered",
                dequeued_by=agent_phone,
                agent_call_id=agent_call_id,
                dequeued_at=now,
                waited_seconds=seconds_since(candidate.enqueued_at, now),
            )
            .execution_options(synchronize_session=False)
        )
        try:
            db.session.execute(claim)
            db.session.commit()
        except IntegrityError:  # the same agent call, dequeuing twice at once
            db.session.rollback()
        if (entry := _claimed_by(gateway, agent_call_id)) is not None:
            log.info("queue entry %s to agent %s", entry.id, mask(agent_phone))
            return _connect(entry)
        # another agent took this caller first: try the next one
    return Dequeue(QUEUE_EMPTY, message=AGENT_MESSAGES[QUEUE_EMPTY])


def connected(
    gateway: str, call_id: str, agent_call_id: str, at: datetime | None = None
) -> QueueEntry:
    """The gateway says which caller an agent's call was connected to (its dequeue
    confirmation). When that is not the caller `dequeue` chose, the mirror follows the
    gateway: the chosen caller waits again, this one is answered. Commits.

    Raises:
        UnknownCallError: the caller's call was never enqueued.
    """
    entry = _entry(gateway, call_id, lock=True)
    if entry.agent_call_id == agent_call_id:
        db.session.commit()
        return entry
    now = at or datetime.now(UTC)
    chosen = _claimed_by(gateway, agent_call_id)
    agent_phone = chosen.dequeued_by if chosen is not None else entry.dequeued_by
    if chosen is not None:
        chosen.outcome, chosen.dequeued_by, chosen.agent_call_id = "waiting", None, None
        chosen.dequeued_at = chosen.waited_seconds = None
        db.session.flush()  # frees the agent call id before this entry takes it
    entry.outcome, entry.dequeued_by, entry.agent_call_id = "answered", agent_phone, agent_call_id
    entry.dequeued_at = now
    entry.waited_seconds = seconds_since(entry.enqueued_at, now)
    db.session.commit()
    return entry


def call_ended(gateway: str, call_id: str, at: datetime | None = None) -> QueueEntry | None:
    """A call's final status callback: a caller who hangs up while waiting has abandoned
    (with the seconds waited); a connected call, the caller's or the agent's, has ended.
    Commits; a repeated callback changes nothing.

    Returns:
        the entry the call belongs to, or None when it is no queue call (nothing changes).
    """
    now = at or datetime.now(UTC)
    entry = db.session.scalar(
        select(QueueEntry)
        .where(
            QueueEntry.gateway == gateway,
            (QueueEntry.call_id == call_id) | (QueueEntry.agent_call_id == call_id),
        )
        .with_for_update()  # a dequeue may be claiming this caller at this moment
    )
    if entry is None:
        db.session.rollback()
        return None
    if entry.outcome == "waiting" and entry.call_id == call_id:
        entry.outcome, entry.waited_seconds = "abandoned", seconds_since(entry.enqueued_at, now)
        log.info("queue entry %s abandoned after %s s", entry.id, entry.waited_seconds)
    if entry.ended_at is None and entry.outcome != "waiting":
        entry.ended_at = now
    db.session.commit()
    return entry
