"""Voicemail: recording and transcript callbacks, repeated or out of order, and the one
email to the group."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.errors import UnknownCallError
from app.extensions import db
from app.hotline import tasks, voicemail
from app.models import Voicemail
from tests.conftest import outbox_rows

CALLER = "+254733000111"
CALL = "CA" + "0" * 32
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
RECORDED_AT = datetime(2026, 11, 30, 15, 4, tzinfo=UTC)  # 18:04 in Nairobi


@pytest.fixture
def opened(app, lines):
    with app.app_context():
        return voicemail.open_voicemail("twilio", CALL, lines.nairobi, CALLER).id


def record(app, url: str = RECORDING, seconds: int = 42, at: datetime = RECORDED_AT) -> None:
    with app.app_context():
        voicemail.recording_arrived("twilio", CALL, url, seconds, "RE1", at=at)


def transcribe(app, text: str = "Please call me back about the clinic.", status="completed"):
    with app.app_context():
        voicemail.transcript_arrived("twilio", CALL, text, status)


def emails(app) -> list:
    return outbox_rows(app, "email")


def test_the_transcript_sends_one_email_with_the_link_and_the_text(app, opened):
    record(app)
    assert emails(app) == []  # waiting for the transcript
    transcribe(app)
    [email] = emails(app)
    assert email.recipient == "nairobi@example.org" and email.status == "sent"
    assert email.payload["subject"] == f"Voicemail for Nairobi line from {CALLER}"
    body = email.payload["body"]
    assert f"From:      {CALLER}\n" in body
    assert "When:      Monday 30 November 2026, 18:04 (Africa/Nairobi)\n" in body
    assert "Length:    42 seconds\n" in body
    assert f"Recording: {RECORDING}\n" in body
    assert body.endswith("Transcript:\nPlease call me back about the clinic.\n")


def test_repeated_callbacks_change_nothing_and_send_nothing_twice(app, opened):
    record(app)
    transcribe(app)
    record(app, url="https://example.org/other.mp3", seconds=1)
    transcribe(app, text="Something else")
    transcribe(app, text="", status="failed")
    with app.app_context():
        row = db.session.get(Voicemail, opened)
        assert (row.recording_url, row.duration_seconds) == (RECORDING, 42)
        assert (row.transcript, row.transcript_status) == (
            "Please call me back about the clinic.",
            "completed",
        )
        assert voicemail.send_due_voicemails(now=RECORDED_AT + timedelta(days=1)) == 0
    assert len(emails(app)) == 1


def test_without_a_transcript_the_email_goes_after_the_wait_once(app, opened):
    record(app)
    wait = app.config["VOICEMAIL_TRANSCRIPT_WAIT_SECONDS"]
    with app.app_context():
        assert voicemail.send_due_voicemails(now=RECORDED_AT + timedelta(seconds=wait - 1)) == 0
    with time_machine.travel(RECORDED_AT + timedelta(seconds=wait), tick=False):
        assert tasks.send_due_voicemails.delay().get() == 1
        assert tasks.send_due_voicemails.delay().get() == 0
    [email] = emails(app)
    assert email.payload["body"].endswith("Transcript:\n(no transcript)\n")
    transcribe(app)  # too late: stored, not sent again
    assert len(emails(app)) == 1


def test_a_failed_transcription_sends_the_email_at_once(app, opened):
    record(app)
    transcribe(app, text="", status="failed")
    [email] = emails(app)
    assert "(transcription failed: listen to the recording)" in email.payload["body"]


def test_a_transcript_before_the_recording_sends_when_the_recording_arrives(app, opened):
    transcribe(app)
    assert emails(app) == []
    record(app)
    [email] = emails(app)
    assert "Please call me back about the clinic." in email.payload["body"]


def test_nothing_recorded_is_emailed_at_once_as_a_missed_call(app, opened):
    record(app, url="", seconds=0)
    [email] = emails(app)
    assert "Recording: (nothing was recorded: the caller left no message)" in email.payload["body"]


def test_a_recording_for_an_unknown_call_stores_nothing(app, lines):
    with app.app_context():
        with pytest.raises(UnknownCallError, match="no hotline_voicemails row for twilio call CA9"):
            voicemail.recording_arrived("twilio", "CA9", RECORDING, 10)
        with pytest.raises(UnknownCallError):
            voicemail.transcript_arrived("twilio", "CA9", "text")
        assert db.session.scalar(select(func.count()).select_from(Voicemail)) == 0
    assert emails(app) == []


def test_opening_twice_keeps_one_voicemail_per_call(app, lines, opened):
    with app.app_context():
        again = voicemail.open_voicemail("twilio", CALL, lines.nairobi, CALLER)
        assert again.id == opened
        other = voicemail.open_voicemail("africastalking", CALL, lines.nairobi, CALLER)
        assert other.id != opened


def test_an_unknown_transcription_status_is_refused(app, opened):
    with app.app_context():
        with pytest.raises(ValueError, match="'in-progress' is not completed or failed"):
            voicemail.transcript_arrived("twilio", CALL, "", "in-progress")


def test_voicemail_list_and_send_due_commands(app, runner, opened):
    record(app)
    listed = runner.invoke(args=["hotline", "voicemail", "list"]).output
    assert listed == (
        f"   1 Nairobi line: {CALLER} 42 s recorded, transcript pending, not emailed\n"
    )
    with time_machine.travel(RECORDED_AT + timedelta(hours=1), tick=False):
        sent = runner.invoke(args=["hotline", "voicemail", "send-due"]).output
    assert sent == "queued 1 voicemail emails\n"
