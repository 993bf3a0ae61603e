"""`flask callmock` plays iShamba's call-centre actions: a caller queues, an agent
dequeues, the gateway confirms the dequeue, both hang up."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import QueueEntry
from tests.callcentre.conftest import ACTIVE_CALLERS, AGENT_1, QUEUE_NUMBER


def callmock(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["callmock", *args])
    assert result.exit_code == 0, result.output
    return result.output


def call_id(output: str) -> str:
    return re.search(r"call id (\S+)\)", output).group(1)


def entry(app) -> QueueEntry:
    with app.app_context():
        found = db.session.scalar(select(QueueEntry))
        db.session.expunge(found)
        return found


@pytest.mark.parametrize("gateway", ["africastalking", "twilio"])
def test_callmock_queue_dequeue_confirm_and_hang_up(app, centre, gateway):
    caller = ACTIVE_CALLERS[0]
    said = callmock(app, "--to", QUEUE_NUMBER, "--from", caller, "--gateway", gateway)
    assert "Karibu iShamba. Please hold." in said
    assert "[waits in queue ishamba, hearing https://example.org/hold.mp3]" in said
    caller_call = call_id(said)
    said = callmock(app, "--action", "dequeue", "--from", AGENT_1, "--gateway", gateway)
    assert "[takes the longest-waiting caller" in said
    agent_call = call_id(said)
    assert entry(app).dequeued_by == AGENT_1 and entry(app).agent_call_id == agent_call
    confirm = ["--action", "dequeue_ok", "--to", QUEUE_NUMBER, "--from", caller]
    said = callmock(
        app, *confirm, "--gateway", gateway, "--call-id", caller_call, "--agent-call-id", agent_call
    )
    assert "dequeue confirmed: HTTP 200" in said
    hang = ["--action", "hang", "--to", QUEUE_NUMBER, "--from", caller, "--gateway", gateway]
    callmock(app, *hang, "--call-id", caller_call)
    assert entry(app).outcome == "answered" and entry(app).ended_at is not None


def test_callmock_hang_up_while_waiting_abandons(app, centre):
    said = callmock(app, "--to", QUEUE_NUMBER, "--from", ACTIVE_CALLERS[1])
    callmock(app, "--action", "hang", "--to", QUEUE_NUMBER, "--call-id", call_id(said))
    assert entry(app).outcome == "abandoned"
