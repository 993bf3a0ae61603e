"""SMS conversations: a definition offered on SMS answered one question per message
through `POST /sms/africastalking/<token>` and `flask smsmock`."""

import uuid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import IncomingSms, SurveyAnswer, SurveyRun
from app.seed import seed_locations
from tests.conftest import TOKEN

URL = f"/sms/africastalking/{TOKEN}"
MSISDN = "+254711000951"


def sms(client, text: str, msisdn: str = MSISDN, to: str = "21606") -> str:
    """Post an incoming SMS as Africa's Talking posts it; Sauti's reply text."""
    form = {"from": msisdn, "to": to, "text": text, "id": f"ATXid_{uuid.uuid4().hex}"}
    response = client.post(URL, data=form)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def places(app):
    with app.app_context():
        seed_locations()
        db.session.commit()


def answers(app) -> dict[str, tuple[str, str]]:
    with app.app_context():
        query = select(SurveyAnswer).join(SurveyRun).where(SurveyRun.msisdn == MSISDN)
        rows = db.session.scalars(query)
        return {row.question_id: (row.value, row.channel) for row in rows}


def test_diet_keyword_starts_the_survey_by_sms(client):
    reply = sms(client, "DIET")
    assert reply.startswith("Diet survey.")
    assert "1. English\n2. Kiswahili" in reply


def test_survey_answered_by_sms_stores_answers_with_the_sms_channel(app, client, places):
    sms(client, "diet")
    assert "Do you agree" in sms(client, "1")
    assert "female or male" in sms(client, "yes")  # yes: the first of two choices
    county = sms(client, "Female")  # a choice by its label
    assert "Which county" in county
    assert len(county) <= app.config["SMS_CONVERSATION_MAX_CHARS"]
    assert county.endswith("Reply MORE for more choices.")
    second = sms(client, "MORE")
    assert not second.startswith("Which county")
    number = second.splitlines()[0].split(".")[0]
    assert sms(client, number)  # a county from the second page, by its number
    found = answers(app)
    assert found["gender"][1] == "sms"
    assert found["county"][1] == "sms"


def test_wrong_answer_is_asked_again_with_the_reason(client):
    sms(client, "DIET")
    reply = sms(client, "7")
    assert reply.splitlines()[0] != "Diet survey."
    assert "Choose language" in reply
    assert "1. English" in reply


def test_stop_inside_a_conversation_opts_out_and_ends_it(app, client):
    sms(client, "DIET")
    stop = sms(client, "STOP")
    assert stop == app.config["SMS_REPLIES"]["en"]["stop"]
    assert sms(client, "1") == app.config["SMS_REPLIES"]["en"]["unknown"]


def test_conversations_are_kept_per_short_code(app, client):
    sms(client, "DIET", to="21606")
    assert sms(client, "1", to="30303") == app.config["SMS_REPLIES"]["en"]["unknown"]
    assert "Do you agree" in sms(client, "1", to="21606")


def test_conversation_is_forgotten_after_its_ttl(app_factory):
    app = app_factory(SMS_CONVERSATION_TTL_SECONDS=1)
    client = app.test_client()
    sms(client, "DIET")
    key = f"sauti:sms:conversation:{MSISDN}:21606"
    assert 0 < app.extensions["redis"].ttl(key) <= 1
    app.extensions["redis"].delete(key)  # what the TTL does
    assert sms(client, "1") == app.config["SMS_REPLIES"]["en"]["unknown"]


def test_join_starts_registration_when_configured(app_factory):
    app = app_factory(SMS_JOIN_STARTS="REGISTER")
    client = app.test_client()
    reply = sms(client, "JOIN")
    welcome = app.config["SMS_REPLIES"]["en"]["join"]
    assert reply.startswith(welcome + "\nWelcome to iShamba.")
    assert "What is your full name?" in sms(client, "1")
    with app.app_context():
        handled = db.session.scalars(select(IncomingSms.handled_as).order_by(IncomingSms.id))
        assert list(handled) == ["join", "conversation"]


def test_join_alone_starts_nothing_by_default(app, client):
    assert sms(client, "JOIN") == app.config["SMS_REPLIES"]["en"]["join"]


def test_smsmock_starts_the_diet_survey(runner):
    result = runner.invoke(args=["smsmock", "--from", MSISDN, "--text", "DIET"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"21606 -> {MSISDN}: Diet survey.")
    result = runner.invoke(args=["smsmock", "--from", MSISDN, "--text", "2"])
    assert "Unakubali kushiriki?" in result.output
