""" "Call me": the USSD choice queues an outbox row; the task rings the caller through the
africastalking SDK's voice service (or the development backend, which records)."""

import africastalking
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from app.seed import seed_demo
from tests.conftest import Handset

AMINA = "+254711000001"


class FakeVoice:
    """Stands in for `africastalking.Voice` and answers as the API does."""

    calls: list[tuple[str, list[str]]] = []

    def call(self, callFrom, callTo):  # noqa: N803 - the SDK's argument names
        self.calls.append((callFrom, callTo))
        entry = {"phoneNumber": callTo[0], "status": "Queued", "sessionId": "ATVId_out1"}
        return {"entries": [entry], "errorMessage": "None"}


def test_call_me_rings_the_caller_through_the_sdk(app_factory, monkeypatch):
    voice = FakeVoice()
    monkeypatch.setattr(africastalking, "initialize", lambda username, key: None)
    monkeypatch.setattr(africastalking, "Voice", voice, raising=False)
    app = app_factory(VOICE_BACKEND="africastalking", AT_API_KEY="k", AT_USERNAME="sauti")
    with app.app_context():
        seed_demo(app.config)
    client = app.test_client()
    assert Handset(client, AMINA).walk("7", "1") == "END Thank you. We will call you shortly."
    assert voice.calls == [("+254711082001", [AMINA])]
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage).filter_by(kind="call"))
        assert (row.status, row.backend) == ("sent", "africastalking")
        assert row.result["entries"][0]["sessionId"] == "ATVId_out1"


def test_a_refused_call_is_recorded_as_failed(app_factory, monkeypatch):
    class Refusing:
        def call(self, callFrom, callTo):  # noqa: N803
            return {"entries": [], "errorMessage": "Invalid callFrom"}

    monkeypatch.setattr(africastalking, "initialize", lambda username, key: None)
    monkeypatch.setattr(africastalking, "Voice", Refusing(), raising=False)
    app = app_factory(VOICE_BACKEND="africastalking", AT_API_KEY="k")
    with app.app_context():
        seed_demo(app.config)
    Handset(app.test_client(), AMINA).walk("7", "1")
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage).filter_by(kind="call"))
        assert row.status == "failed" and "Invalid callFrom" in row.error
