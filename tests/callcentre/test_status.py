"""`GET /callcentre/status` and `flask callcentre …`: waiting callers (masked) with their
wait, agents on a call; queues and agent phones added from the CLI."""

from datetime import timedelta

import time_machine

from app.callcentre import queue
from tests.callcentre.conftest import ACTIVE_CALLERS, AGENT_1, DEQUEUE_NUMBER, NOW

GATEWAY = "africastalking"


def busy_centre(app, centre) -> None:
    """Three callers enqueued at NOW, +10 s, +20 s; Wanjiku took the first at +60 s."""
    with app.app_context():
        for n, caller in enumerate(ACTIVE_CALLERS):
            queue.enqueue(
                centre.queue, caller, GATEWAY, f"c{n}", at=NOW + timedelta(seconds=10 * n)
            )
        queue.dequeue(DEQUEUE_NUMBER, AGENT_1, GATEWAY, "a1", at=NOW + timedelta(seconds=60))


def test_status_json_masks_numbers_and_gives_wait_times(app, client, centre):
    busy_centre(app, centre)
    with time_machine.travel(NOW + timedelta(seconds=90), tick=False):
        body = client.get("/callcentre/status").json
    assert body["at"] == "2026-11-30T09:01:30+00:00"
    [ishamba] = body["queues"]
    assert {key: ishamba[key] for key in ("name", "number", "dequeue_number", "agents")} == {
        "name": "ishamba",
        "number": "+254711082007",
        "dequeue_number": "+254711082008",
        "agents": 2,
    }
    assert ishamba["waiting"] == [
        {
            "caller": "+2547*****002",
            "waited_seconds": 80,
            "enqueued_at": "2026-11-30T09:00:10+00:00",
        },
        {
            "caller": "+2547*****003",
            "waited_seconds": 70,
            "enqueued_at": "2026-11-30T09:00:20+00:00",
        },
    ]
    assert ishamba["agents_on_call"] == [
        {
            "agent": "+2547*****001",
            "name": "Wanjiku",
            "caller": "+2547*****001",
            "seconds": 30,
            "since": "2026-11-30T09:01:00+00:00",
        }
    ]
    assert "+254733000002" not in str(body)


def test_status_command(app, runner, centre):
    busy_centre(app, centre)
    with app.app_context():
        queue.call_ended(GATEWAY, "c2", at=NOW + timedelta(seconds=30))
    with time_machine.travel(NOW + timedelta(seconds=90), tick=False):
        output = runner.invoke(args=["callcentre", "status"]).output
    assert output == (
        "ishamba (+254711082007, agents dial +254711082008): 1 waiting, 1 of 2 agents on a call\n"
        "  1. +2547*****002 waiting 80 s\n"
        "  agent Wanjiku +2547*****001 with +2547*****001 for 30 s\n"
    )


def test_queue_and_agent_commands(app, runner):
    added = runner.invoke(
        args=["callcentre", "queue", "add", "support", "--number", "0711082007",
              "--dequeue-number", "0711082008", "--greeting", "en=Please hold"]
    )  # fmt: skip
    assert added.output == "queue 1: support on +254711082007, dequeue +254711082008\n"
    agent = runner.invoke(
        args=["callcentre", "agent", "add", "support", "0720000001", "--name", "Ann"]
    )
    assert agent.output == "agent 1: +254720000001 on support\n"
    assert runner.invoke(args=["callcentre", "agent", "list"]).output == (
        "   1 support  +254720000001  Ann\n"
    )
    assert runner.invoke(args=["callcentre", "queue", "list"]).output == (
        "   1 support  +254711082007 (dequeue +254711082008), priority 0, hold music -\n"
    )
    assert runner.invoke(args=["callcentre", "agent", "remove", "1"]).output == (
        "removed agent phone 1 (+254720000001)\n"
    )


def test_queue_add_names_the_bad_field(app, runner):
    def error(*args: str) -> str:
        result = runner.invoke(args=["callcentre", "queue", "add", *args])
        assert result.exit_code == 1
        return result.output.strip()

    assert error("two words", "--number", "0711082007", "--dequeue-number", "0711082008") == (
        "Error: name: 'two words' must be one word (it names the gateway's queue)"
    )
    assert error("q", "--number", "0711082007", "--dequeue-number", "0711082007") == (
        "Error: dequeue number: must differ from the number callers dial"
    )
    assert error("q", "--number", "0711082007", "--dequeue-number", "12") == (
        "Error: dequeue number: not a possible phone number: **"
    )
    assert (
        error(
            "q", "--number", "0711082007", "--dequeue-number", "0711082008", "--hold-music", "x.mp3"
        )
        == "Error: hold music: 'x.mp3' is not an http(s) URL"
    )
    missing = runner.invoke(args=["callcentre", "agent", "add", "nowhere", "0720000001"])
    assert (
        missing.output == "Error: queue: no queue 'nowhere' (see `flask callcentre queue list`)\n"
    )
