"""The hotline on the phone, through the real voice webhooks of Twilio and Africa's
Talking: who is dialled across shift boundaries and time zones, the voicemail when nobody
is on shift or nobody answers, and the one email per voicemail."""

import logging
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import Voicemail
from tests.conftest import outbox_rows
from tests.hotline.conftest import AMINA, BRIAN, LONDON_LINE, NAIROBI_LINE, add_shifts
from tests.voice.conftest import AT_VOICE_URL, PUBLIC_BASE_URL, TWILIO_TOKEN, Phone, post_twilio

CALLER = "+254733000111"
GATEWAYS = ["twilio", "africastalking"]


@pytest.fixture
def app(app_factory):
    return app_factory(TWILIO_AUTH_TOKEN=TWILIO_TOKEN, PUBLIC_BASE_URL=PUBLIC_BASE_URL)


@pytest.fixture
def shifts(app, lines):
    """Nairobi (in order): Amina Monday 09:00–17:00, Amina and Brian Monday 17:00–22:00;
    London: Amina Monday 09:00–17:00 London time (GMT in winter, BST in summer)."""
    add_shifts(
        app,
        ("Nairobi line", AMINA, "Monday", "09:00", "17:00"),
        ("Nairobi line", AMINA, "Monday", "17:00", "22:00"),
        ("Nairobi line", BRIAN, "Monday", "17:00", "22:00"),
        ("London line", AMINA, "Monday", "09:00", "17:00"),
    )
    return lines


@pytest.fixture
def clock():
    """Travel to an instant for the rest of the test (the call's state in Redis lives
    on that clock)."""
    travels = []

    def travel(instant: str) -> None:
        travels.append(time_machine.travel(datetime.fromisoformat(instant), tick=False))
        travels[-1].start()

    yield travel
    for travelled in reversed(travels):
        travelled.stop()


@pytest.fixture
def call_at(app, clock):
    def call(gateway: str, instant: str, to: str = NAIROBI_LINE) -> Phone:
        clock(instant)
        phone = Phone(app.test_client(), gateway, to, msisdn=CALLER)
        phone.call()
        return phone

    return call


def dialled(phone: Phone) -> tuple[str, ...]:
    dial = phone.xml.find("Dial")
    if dial is None:
        return ()
    if phone.gateway == "twilio":
        return tuple(number.text for number in dial.findall("Number"))
    return tuple(dial.get("phoneNumbers").split(","))


@pytest.mark.parametrize("gateway", GATEWAYS)
@pytest.mark.parametrize(
    ("instant", "to", "numbers"),
    [
        ("2026-11-30T08:59:59+03:00", NAIROBI_LINE, ()),
        ("2026-11-30T09:00:00+03:00", NAIROBI_LINE, (AMINA,)),
        ("2026-11-30T16:59:59+03:00", NAIROBI_LINE, (AMINA,)),
        ("2026-11-30T17:00:00+03:00", NAIROBI_LINE, (AMINA, BRIAN)),
        ("2026-11-30T22:00:00+03:00", NAIROBI_LINE, ()),
        # London in winter (GMT): 09:00 London is 12:00 Nairobi
        ("2026-11-30T11:59:00+03:00", LONDON_LINE, ()),
        ("2026-11-30T12:00:00+03:00", LONDON_LINE, (AMINA,)),
        # London in summer (BST): 09:00 London is 11:00 Nairobi
        ("2026-06-01T11:00:00+03:00", LONDON_LINE, (AMINA,)),
        ("2026-06-01T10:59:00+03:00", LONDON_LINE, ()),
    ],
)
def test_a_call_rings_the_volunteers_on_shift_at_that_local_time(
    app, call_at, shifts, gateway, instant, to, numbers
):
    phone = call_at(gateway, instant, to)
    assert dialled(phone) == numbers
    if not numbers:  # nobody on shift: the greeting, then a recording
        record = phone.xml.find("Record")
        assert record is not None


def test_twilio_dial_shows_the_group_number_rings_in_order_and_falls_back_to_voicemail(
    app, call_at, shifts
):
    phone = call_at("twilio", "2026-11-30T18:00:00+03:00")
    dial = phone.xml.find("Dial")
    assert dial.get("callerId") == NAIROBI_LINE
    assert dial.get("timeout") == "15" and dial.get("sequential") == "true"
    assert dial.get("action") == f"{PUBLIC_BASE_URL}/voice/twilio/hotline/dialled"
    nobody = phone.form(DialCallStatus="no-answer")
    phone.post(dial.get("action"), nobody)
    assert phone.xml.find("Say").text == "Please leave a message."
    record = phone.xml.find("Record")
    assert record.get("transcribe") == "true"
    assert record.get("transcribeCallback").endswith("/voice/twilio/hotline/transcript")
    assert record.get("recordingStatusCallback").endswith("/voice/twilio/hotline/recording")
    assert record.get("action").endswith("/voice/twilio/hotline/recorded")


def test_twilio_dial_answered_hangs_up_without_a_voicemail(app, call_at, shifts):
    phone = call_at("twilio", "2026-11-30T18:00:00+03:00")
    phone.post(phone.xml.find("Dial").get("action"), phone.form(DialCallStatus="completed"))
    assert phone.xml.find("Hangup") is not None and phone.xml.find("Record") is None
    with app.app_context():
        assert db.session.scalars(select(Voicemail)).all() == []


def test_africastalking_dial_then_greeting_and_record_for_nobody_answering(app, call_at, shifts):
    phone = call_at("africastalking", "2026-11-30T18:00:00+03:00")
    children = [child.tag for child in phone.xml]
    assert children == ["Dial", "Record"]
    dial = phone.xml.find("Dial")
    assert dial.get("sequential") == "true" and dial.get("callerId") == NAIROBI_LINE
    assert dial.get("ringbackTone") == f"{PUBLIC_BASE_URL}/voice/ringback.wav"
    record = phone.xml.find("Record")
    assert record.find("Say").text == "Please leave a message."
    assert record.get("finishOnKey") == "#" and record.get("playBeep") == "true"
    url = record.get("callbackUrl")
    assert url == f"{PUBLIC_BASE_URL}{AT_VOICE_URL}/voicemail"
    phone.post(url, phone.form(recordingUrl="https://at.example/rec1.mp3"))
    assert "Thank you" in phone.xml.find("Say").text
    with app.app_context():
        [voicemail] = db.session.scalars(select(Voicemail)).all()
        assert voicemail.recording_url == "https://at.example/rec1.mp3"
        assert voicemail.group_id == shifts.nairobi and voicemail.caller == CALLER


def test_twilio_voicemail_emails_once_with_repeated_transcription_callbacks(app, call_at, shifts):
    phone = call_at("twilio", "2026-11-30T23:00:00+03:00")  # nobody on shift
    assert phone.xml.find("Say").text == "Please leave a message."
    record = phone.xml.find("Record")
    recording = phone.form(
        RecordingUrl="https://api.twilio.com/rec/RE1", RecordingDuration="12", RecordingSid="RE1"
    )
    phone.post(record.get("action"), recording)
    assert phone.xml.find("Hangup") is not None
    status_path = "/voice/twilio/hotline/recording"
    assert post_twilio(app.test_client(), status_path, recording).status_code == 204
    assert outbox_rows(app, "email") == []  # waiting for the transcript
    transcript = {
        "CallSid": phone.call_id,
        "AccountSid": "AC" + "0" * 32,
        "RecordingSid": "RE1",
        "TranscriptionSid": "TR1",
        "TranscriptionText": "Please call me back.",
        "TranscriptionStatus": "completed",
    }
    client = app.test_client()
    for _ in range(3):
        response = post_twilio(client, "/voice/twilio/hotline/transcript", transcript)
        assert response.status_code == 204
    [email] = outbox_rows(app, "email")
    assert email.recipient == "nairobi@example.org"
    assert "Please call me back." in email.payload["body"]
    assert "https://api.twilio.com/rec/RE1" in email.payload["body"]


def test_callbacks_for_an_unknown_call_are_404_and_store_nothing(app, shifts):
    client = app.test_client()
    stranger = {"CallSid": "CA" + "9" * 32, "RecordingUrl": "https://x/r.mp3"}
    assert post_twilio(client, "/voice/twilio/hotline/recording", stranger).status_code == 404
    text = {**stranger, "TranscriptionText": "hi", "TranscriptionStatus": "completed"}
    assert post_twilio(client, "/voice/twilio/hotline/transcript", text).status_code == 404
    at_form = {
        "isActive": "1",
        "sessionId": "ATVId_stranger",
        "direction": "Inbound",
        "callerNumber": CALLER,
        "destinationNumber": NAIROBI_LINE,
        "recordingUrl": "https://x/r.mp3",
    }
    assert client.post(f"{AT_VOICE_URL}/voicemail", data=at_form).status_code == 404
    assert client.post("/voice/africastalking/wrong/voicemail", data=at_form).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Voicemail)).all() == []
    assert outbox_rows(app, "email") == []


def test_unsigned_voicemail_callbacks_are_refused(app, call_at, shifts):
    form = {"CallSid": "CA" + "9" * 32, "RecordingUrl": "https://x/r.mp3"}
    response = post_twilio(app.test_client(), "/voice/twilio/hotline/recording", form, None)
    assert response.status_code == 403


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_an_unknown_number_hears_a_polite_message_and_is_logged_masked(
    app, call_at, shifts, gateway, caplog
):
    caplog.set_level(logging.WARNING)
    phone = call_at(gateway, "2026-11-30T18:00:00+03:00", to="+254711082099")
    assert "not in service" in phone.xml.find("Say").text
    assert phone.xml.find("Dial") is None and phone.xml.find("Record") is None
    logged = caplog.text
    assert "unknown number" in logged
    assert "+254711082099" not in logged and CALLER not in logged


def test_the_twilio_voicemail_document_parses(app, call_at, shifts):
    phone = call_at("twilio", "2026-11-30T23:00:00+03:00")
    assert ET.tostring(phone.xml).startswith(b"<Response>")


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_callmock_nobody_answers_then_a_voicemail(app, shifts, clock, gateway):
    clock("2026-11-30T18:00:00+03:00")
    args = ["callmock", "--to", NAIROBI_LINE, "--from", CALLER, "--gateway", gateway]
    result = app.test_cli_runner().invoke(args=[*args, "--digits", "- hello"])
    assert result.exit_code == 0, result.output
    assert f"[dials {AMINA},{BRIAN}" in result.output
    assert "Please leave a message." in result.output
    assert "Thank you, we have your message. Goodbye." in result.output
    with app.app_context():
        [voicemail] = db.session.scalars(select(Voicemail)).all()
        assert voicemail.recording_url.startswith("https://recordings.example/")
