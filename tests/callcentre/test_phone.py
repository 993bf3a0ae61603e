"""The call centre on the phone, through the real voice webhooks of Africa's Talking and
Twilio: callers queue with hold music, agents take the longest-waiting caller, the
gateways' callbacks keep the queue in SQL, and `GET /callcentre/status` shows it."""

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import QueueEntry, RegistrationOffer
from tests.callcentre.conftest import (
    ACTIVE_CALLERS,
    AGENT_1,
    AGENT_2,
    DEQUEUE_NUMBER,
    LAPSED,
    QUEUE_NUMBER,
    UNKNOWN,
)
from tests.conftest import outbox_rows
from tests.voice.conftest import PUBLIC_BASE_URL, TWILIO_TOKEN, Phone, post_twilio


@pytest.fixture
def app(app_factory):
    return app_factory(TWILIO_AUTH_TOKEN=TWILIO_TOKEN, PUBLIC_BASE_URL=PUBLIC_BASE_URL)


def calling(app, gateway: str, msisdn: str, to: str = QUEUE_NUMBER) -> Phone:
    phone = Phone(app.test_client(), gateway, to, msisdn=msisdn)
    phone.call()
    return phone


def status(app) -> dict:
    [queue] = app.test_client().get("/callcentre/status").get_json()["queues"]
    return queue


def outcomes(app) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        entries = db.session.scalars(select(QueueEntry).order_by(QueueEntry.id))
        return [(e.caller, e.outcome, e.dequeued_by) for e in entries]


def test_africastalking_three_callers_two_agents_in_order(app, centre):
    callers = [calling(app, "africastalking", msisdn) for msisdn in ACTIVE_CALLERS]
    for phone in callers:
        assert [child.tag for child in phone.xml] == ["Say", "Enqueue"]
        assert phone.said == "Karibu iShamba. Please hold."
        enqueue = phone.xml.find("Enqueue")
        assert enqueue.get("name") == "ishamba"
        assert enqueue.get("holdMusic") == "https://example.org/hold.mp3"
    assert [w["caller"] for w in status(app)["waiting"]] == [
        "+2547*****001",
        "+2547*****002",
        "+2547*****003",
    ]
    agents = [calling(app, "africastalking", agent, DEQUEUE_NUMBER) for agent in (AGENT_1, AGENT_2)]
    for agent in agents:
        dequeue = agent.xml.find("Dequeue")
        assert dequeue.get("phoneNumber") == QUEUE_NUMBER and dequeue.get("name") == "ishamba"
    assert outcomes(app) == [
        (ACTIVE_CALLERS[0], "answered", AGENT_1),
        (ACTIVE_CALLERS[1], "answered", AGENT_2),
        (ACTIVE_CALLERS[2], "waiting", None),
    ]
    # AT's dequeue confirmations (repeated: nothing changes the second time)
    for phone, agent in zip(callers[:2], agents, strict=True):
        for _ in range(2):
            form = phone.form(dequeuedToSessionId=agent.call_id, dequeuedToPhoneNumber=agent.msisdn)
            assert (
                app.test_client().post("/voice/africastalking/test-token", data=form).status_code
                == 200
            )
    queue = status(app)
    assert [w["caller"] for w in queue["waiting"]] == ["+2547*****003"]
    assert [a["agent"] for a in queue["agents_on_call"]] == ["+2547*****001", "+2547*****002"]
    callers[2].hang_up()  # the third caller gives up
    callers[0].hang_up()
    assert outcomes(app)[2][1] == "abandoned"
    queue = status(app)
    assert queue["waiting"] == [] and [a["agent"] for a in queue["agents_on_call"]] == [
        "+2547*****002"
    ]


def test_africastalking_confirmation_of_another_caller_wins(app, centre):
    first, second = (calling(app, "africastalking", m) for m in ACTIVE_CALLERS[:2])
    agent = calling(app, "africastalking", AGENT_1, DEQUEUE_NUMBER)
    # the gateway connected the agent to the second caller: the mirror follows it
    form = second.form(dequeuedToSessionId=agent.call_id, dequeuedToPhoneNumber=AGENT_1)
    app.test_client().post("/voice/africastalking/test-token", data=form)
    assert outcomes(app)[:2] == [
        (ACTIVE_CALLERS[0], "waiting", None),
        (ACTIVE_CALLERS[1], "answered", AGENT_1),
    ]
    assert first.call_id != second.call_id


@pytest.mark.parametrize("gateway", ["africastalking", "twilio"])
def test_an_empty_queue_and_an_unregistered_phone_are_told_so(app, centre, gateway):
    agent = calling(app, gateway, AGENT_1, DEQUEUE_NUMBER)
    assert agent.said == "Nobody is waiting in the queue. Goodbye."
    assert agent.xml.find("Dequeue") is None and agent.xml.find("Dial") is None
    stranger = calling(app, gateway, "+254799000123", DEQUEUE_NUMBER)
    assert "not registered as an agent" in stranger.said
    assert stranger.xml.find("Dequeue") is None and stranger.xml.find("Dial") is None


@pytest.mark.parametrize("gateway", ["africastalking", "twilio"])
def test_lapsed_callers_hear_how_to_renew_and_unknown_callers_get_an_sms(app, centre, gateway):
    lapsed = calling(app, gateway, LAPSED)
    assert lapsed.said.startswith("Usajili wako umeisha")
    assert lapsed.xml.find("Enqueue") is None
    unknown = calling(app, gateway, UNKNOWN)
    assert unknown.said.startswith("Welcome. We have sent you an SMS")
    assert unknown.xml.find("Enqueue") is None
    [sms] = outbox_rows(app, "sms")
    assert sms.recipient == UNKNOWN
    with app.app_context():
        assert len(db.session.scalars(select(RegistrationOffer)).all()) == 1
    assert outcomes(app) == []


def test_twilio_three_callers_two_agents_and_the_queue_callbacks(app, centre):
    callers = [calling(app, "twilio", msisdn) for msisdn in ACTIVE_CALLERS]
    enqueue = callers[0].xml.find("Enqueue")
    assert enqueue.text == "ishamba"
    assert enqueue.get("waitUrl") == f"{PUBLIC_BASE_URL}/voice/twilio/queue/hold"
    hold = callers[0].post(enqueue.get("waitUrl"), callers[0].form(QueueSid="QU1"))
    play = hold.find("Play")
    assert play.text == "https://example.org/hold.mp3" and play.get("loop") == "0"
    agents = [calling(app, "twilio", agent, DEQUEUE_NUMBER) for agent in (AGENT_1, AGENT_2)]
    for agent in agents:
        queue = agent.xml.find("Dial/Queue")
        assert queue.text == "ishamba"
        assert queue.get("url") == f"{PUBLIC_BASE_URL}/voice/twilio/queue/dequeued"
    assert [o[2] for o in outcomes(app)] == [AGENT_1, AGENT_2, None]
    # Twilio bridges the queue's head to each agent: the <Queue url> on the caller's call
    client = app.test_client()
    for phone, agent in zip(callers[:2], agents, strict=True):
        form = phone.form(QueueSid="QU1", DequeingCallSid=agent.call_id, QueueTime="12")
        assert post_twilio(client, "/voice/twilio/queue/dequeued", form).status_code == 200
    # the third caller hangs up while waiting: the Enqueue action, then the status callback
    left = callers[2].form(QueueResult="hangup", QueueTime="30")
    assert post_twilio(client, "/voice/twilio/queue/left", left).status_code == 200
    callers[2].hang_up()
    assert outcomes(app)[2][1] == "abandoned"
    queue = status(app)
    assert queue["waiting"] == [] and len(queue["agents_on_call"]) == 2
    callers[0].hang_up()
    assert len(status(app)["agents_on_call"]) == 1


def test_twilio_queue_callbacks_are_signed(app, centre):
    form = {"CallSid": "CA1", "DequeingCallSid": "CA2", "From": UNKNOWN, "To": QUEUE_NUMBER}
    response = post_twilio(app.test_client(), "/voice/twilio/queue/dequeued", form, None)
    assert response.status_code == 403


@pytest.mark.parametrize("gateway", ["africastalking", "twilio"])
def test_repeated_first_webhooks_queue_and_dequeue_once(app, centre, gateway):
    callers = [calling(app, gateway, msisdn) for msisdn in ACTIVE_CALLERS[:2]]
    callers[0].call()  # the gateway retries the first webhook
    agent = calling(app, gateway, AGENT_1, DEQUEUE_NUMBER)
    first = ET.tostring(agent.xml)
    agent.call()
    assert ET.tostring(agent.xml) == first
    assert outcomes(app) == [
        (ACTIVE_CALLERS[0], "answered", AGENT_1),
        (ACTIVE_CALLERS[1], "waiting", None),
    ]
