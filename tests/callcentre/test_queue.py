"""The queue mirror: three callers and two agents, longest-waiting first, repeated and
crossing callbacks, hang-ups while waiting, and two agents dequeuing at the same moment."""

import threading
from datetime import timedelta

import pytest

from app.callcentre import queue
from app.errors import UnknownCallError
from app.extensions import db
from app.models import QueueEntry
from app.models.base import utc
from tests.callcentre.conftest import (
    ACTIVE_CALLERS,
    AGENT_1,
    AGENT_2,
    DEQUEUE_NUMBER,
    NOW,
    QUEUE_NUMBER,
)

GATEWAY = "africastalking"


def enqueue(app, queue_id: int, caller: str, call_id: str, seconds: int = 0):
    with app.app_context():
        return queue.enqueue(
            queue_id, caller, GATEWAY, call_id, at=NOW + timedelta(seconds=seconds)
        ).id


def dequeue(app, agent: str, call_id: str, seconds: int = 60, number: str = DEQUEUE_NUMBER):
    with app.app_context():
        return queue.dequeue(number, agent, GATEWAY, call_id, at=NOW + timedelta(seconds=seconds))


def entry(app, entry_id: int) -> QueueEntry:
    with app.app_context():
        row = db.session.get(QueueEntry, entry_id)
        db.session.expunge(row)
        return row


@pytest.fixture
def three_waiting(app, centre):
    """Three callers enqueued 0, 10 and 20 seconds after NOW."""
    return [
        enqueue(app, centre.queue, caller, f"ATVId_c{n}", seconds=10 * n)
        for n, caller in enumerate(ACTIVE_CALLERS)
    ]


def test_two_agents_take_three_callers_longest_waiting_first(app, three_waiting):
    first = dequeue(app, AGENT_1, "ATVId_a1", seconds=60)
    second = dequeue(app, AGENT_2, "ATVId_a2", seconds=61)
    assert (first.outcome, first.entry_id, first.caller) == (
        "connect",
        three_waiting[0],
        ACTIVE_CALLERS[0],
    )
    assert (first.queue_name, first.queue_number, first.waited_seconds) == (
        "ishamba",
        QUEUE_NUMBER,
        60,
    )
    assert (second.entry_id, second.waited_seconds) == (three_waiting[1], 51)
    third = dequeue(app, AGENT_1, "ATVId_a3", seconds=300)
    assert (third.entry_id, third.waited_seconds) == (three_waiting[2], 280)
    empty = dequeue(app, AGENT_2, "ATVId_a4")
    assert (empty.outcome, empty.message) == (
        "queue_empty",
        "Nobody is waiting in the queue. Goodbye.",
    )
    taken = entry(app, three_waiting[0])
    assert (taken.outcome, taken.dequeued_by, taken.agent_call_id) == (
        "answered",
        AGENT_1,
        "ATVId_a1",
    )


def test_a_repeated_dequeue_callback_gets_the_same_caller(app, three_waiting):
    assert dequeue(app, AGENT_1, "ATVId_a1").entry_id == three_waiting[0]
    assert dequeue(app, AGENT_1, "ATVId_a1").entry_id == three_waiting[0]
    assert dequeue(app, AGENT_2, "ATVId_a2").entry_id == three_waiting[1]


def test_a_repeated_enqueue_callback_keeps_one_entry(app, centre, three_waiting):
    assert enqueue(app, centre.queue, ACTIVE_CALLERS[0], "ATVId_c0", seconds=99) == three_waiting[0]
    assert dequeue(app, AGENT_1, "ATVId_a1").waited_seconds == 60


def test_a_higher_priority_queue_on_the_dequeue_number_is_served_first(app, centre, three_waiting):
    from app.callcentre.admin import add_agent, add_queue

    with app.app_context():
        vip = add_queue("vip", "+254711082009", DEQUEUE_NUMBER, priority=5).id
        add_agent("vip", AGENT_1)
        db.session.commit()
    late_vip = enqueue(app, vip, "+254733000099", "ATVId_v1", seconds=50)
    assert dequeue(app, AGENT_1, "ATVId_a1").entry_id == late_vip
    assert dequeue(app, AGENT_2, "ATVId_a2").entry_id == three_waiting[0]  # not a vip agent


def test_an_unregistered_phone_or_an_unknown_number_is_refused(app, three_waiting, caplog):
    refused = dequeue(app, "+254799999999", "ATVId_x")
    assert refused.outcome == "not_an_agent"
    assert "+254799999999" not in caplog.text and "+2547*****999" in caplog.text
    assert dequeue(app, AGENT_1, "ATVId_y", number="+254711000000").outcome == "no_such_queue"
    assert entry(app, three_waiting[0]).outcome == "waiting"


def test_an_inactive_agent_phone_is_refused(app, three_waiting):
    from app.models import AgentPhone

    with app.app_context():
        for agent in db.session.query(AgentPhone).filter_by(phone=AGENT_1):
            agent.active = False
        db.session.commit()
    assert dequeue(app, AGENT_1, "ATVId_a1").outcome == "not_an_agent"


def test_hanging_up_while_waiting_is_abandoned_with_the_seconds_waited(app, three_waiting):
    with app.app_context():
        queue.call_ended(GATEWAY, "ATVId_c0", at=NOW + timedelta(seconds=45))
        queue.call_ended(GATEWAY, "ATVId_c0", at=NOW + timedelta(seconds=90))  # repeated
    abandoned = entry(app, three_waiting[0])
    assert (abandoned.outcome, abandoned.waited_seconds) == ("abandoned", 45)
    assert utc(abandoned.ended_at) == NOW + timedelta(seconds=45)  # not the repeat's time
    assert dequeue(app, AGENT_1, "ATVId_a1").entry_id == three_waiting[1]


def test_the_end_of_a_connected_call_frees_the_agent(app, three_waiting):
    dequeue(app, AGENT_1, "ATVId_a1", seconds=60)
    with app.app_context():
        ended = queue.call_ended(GATEWAY, "ATVId_a1", at=NOW + timedelta(seconds=200))
        assert ended.id == three_waiting[0]
        queue.call_ended(GATEWAY, "ATVId_c0", at=NOW + timedelta(seconds=201))
        assert queue.call_ended(GATEWAY, "ATVId_other") is None
    done = entry(app, three_waiting[0])
    assert (done.outcome, done.waited_seconds) == ("answered", 60)
    assert utc(done.ended_at) == NOW + timedelta(seconds=200)


def test_the_gateways_confirmation_wins_over_the_mirrors_choice(app, three_waiting):
    assert dequeue(app, AGENT_1, "ATVId_a1", seconds=60).entry_id == three_waiting[0]
    with app.app_context():
        queue.connected(GATEWAY, "ATVId_c1", "ATVId_a1", at=NOW + timedelta(seconds=61))
        queue.connected(GATEWAY, "ATVId_c1", "ATVId_a1", at=NOW + timedelta(seconds=70))
        with pytest.raises(UnknownCallError):
            queue.connected(GATEWAY, "ATVId_nobody", "ATVId_a1")
    released, connected = entry(app, three_waiting[0]), entry(app, three_waiting[1])
    assert (released.outcome, released.agent_call_id, released.dequeued_by) == (
        "waiting",
        None,
        None,
    )
    assert (connected.outcome, connected.dequeued_by, connected.waited_seconds) == (
        "answered",
        AGENT_1,
        51,
    )
    assert dequeue(app, AGENT_2, "ATVId_a2").entry_id == three_waiting[0]


def test_agents_dequeuing_at_once_never_share_a_caller(app, centre):
    callers = [
        enqueue(app, centre.queue, f"+2547330001{n:02d}", f"ATVId_c{n}", n) for n in range(8)
    ]
    results: list = []
    barrier = threading.Barrier(4)

    def agent(name: str, phone: str) -> None:
        barrier.wait()
        for n in range(3):
            results.append(dequeue(app, phone, f"ATVId_{name}{n}", seconds=100))

    threads = [
        threading.Thread(target=agent, args=(f"t{t}", AGENT_1 if t % 2 else AGENT_2))
        for t in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken = [result.entry_id for result in results if result.outcome == "connect"]
    assert sorted(taken) == sorted(callers)  # every caller once, none twice
    assert [r.outcome for r in results].count("queue_empty") == 4
