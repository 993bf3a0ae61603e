"""Adding queues and agent phones, each input checked with a message naming the field.
Nothing here commits: the caller does."""

from collections.abc import Mapping

from sqlalchemy import select

from app.errors import InputError
from app.extensions import db
from app.models import AgentPhone, CallQueue
from app.phones import field_e164 as phone


def find_queue(ref: str | int) -> CallQueue:
    """The queue with this id or name. Raises InputError when there is none."""
    text = str(ref).strip()
    queue = db.session.get(CallQueue, int(text)) if text.isdigit() else None
    queue = queue or db.session.scalar(select(CallQueue).where(CallQueue.name == text))
    if queue is None:
        raise InputError(f"queue: no queue {text!r} (see `flask callcentre queue list`)")
    return queue


def add_queue(
    name: str,
    number: str,
    dequeue_number: str,
    hold_music_url: str = "",
    greetings: Mapping[str, str] | None = None,
    priority: int = 0,
) -> CallQueue:
    """Add a queue (flushed, not committed).

    Raises:
        InputError: a field is invalid, the name is taken, or the dequeue number is a
            number callers dial (agents and callers need numbers of their own).
    """
    if not name.strip() or " " in name.strip():
        raise InputError(f"name: {name!r} must be one word (it names the gateway's queue)")
    if hold_music_url and not hold_music_url.startswith(("https://", "http://")):
        raise InputError(f"hold music: {hold_music_url!r} is not an http(s) URL")
    queue = CallQueue(
        name=name.strip(),
        number=phone(number, "number"),
        dequeue_number=phone(dequeue_number, "dequeue number"),
        hold_music_url=hold_music_url,
        greetings=dict(greetings or {}),
        priority=priority,
    )
    if queue.number == queue.dequeue_number:
        raise InputError("dequeue number: must differ from the number callers dial")
    if db.session.scalar(select(CallQueue).where(CallQueue.name == queue.name)):
        raise InputError(f"name: a queue is already called {queue.name!r}")
    db.session.add(queue)
    db.session.flush()
    return queue


def add_agent(queue_ref: str | int, number: str, name: str = "") -> AgentPhone:
    """Register an agent phone for a queue (flushed, not committed).

    Raises:
        InputError: no such queue, not a phone number, or already registered there.
    """
    queue = find_queue(queue_ref)
    agent = AgentPhone(queue=queue, phone=phone(number), name=name.strip(), active=True)
    taken = select(AgentPhone).where(
        AgentPhone.queue_id == queue.id, AgentPhone.phone == agent.phone
    )
    if db.session.scalar(taken) is not None:
        raise InputError(f"phone: {agent.phone} is already an agent of {queue.name!r}")
    db.session.add(agent)
    db.session.flush()
    return agent
