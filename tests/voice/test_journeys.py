"""IVR journeys through the real webhook URLs, on both gateways, from the shipped YAML:
the diet survey of *384*3# on +254711082003 and the Sauti Money line on +254711082001."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Call, Customer, OutboxMessage, SurveyAnswer
from app.seed import seed_demo
from tests.conftest import Handset
from tests.voice.conftest import PUBLIC_BASE_URL, Phone

SURVEY_LINE, MONEY_LINE = "+254711082003", "+254711082001"
AMINA = "+254711000001"
SALES, SUPPORT = "+254711082101", "+254711082102"
GATEWAYS = ["twilio", "africastalking"]


@pytest.fixture
def seeded_voice(voice_app):
    with voice_app.app_context():
        seed_demo(voice_app.config)
    return voice_app


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_the_diet_survey_answers_calls_from_the_same_definition(voice_app, gateway):
    phone = Phone(voice_app.test_client(), gateway, SURVEY_LINE, "+254733000777")
    phone.call()
    assert phone.said == (
        "Diet survey. Choose language / Chagua lugha. For English, press 1. "
        "For Kiswahili, press 2. To hear this again, press hash."
    )
    assert phone.asking.get("numDigits") == "1"
    phone.press("1")
    assert phone.said.startswith("30 short questions on what you ate yesterday.")
    assert "For I agree, press 1." in phone.said and "To go back, press star." in phone.said
    phone.press("1")
    assert phone.said.startswith("Are you female or male? For Female, press 1.")
    phone.press("2")
    assert phone.said.startswith("Which county do you live in?")
    with voice_app.app_context():
        answers = db.session.scalars(select(SurveyAnswer)).all()
        assert {answer.question_id: answer.channel for answer in answers} == {
            "lang": "voice",
            "consent": "voice",
            "gender": "voice",
        }


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_keys_go_back_start_again_and_repeat(voice_app, gateway):
    phone = Phone(voice_app.test_client(), gateway, SURVEY_LINE, "+254733000778")
    phone.walk("1", "1")
    gender = phone.said
    assert phone.press("#") is not None and phone.said == gender
    phone.press("*")
    assert phone.said.startswith("30 short questions")
    phone.press("1")
    phone.press("0")
    assert phone.said.startswith("Diet survey.")


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_a_wrong_key_is_refused_with_a_note_before_the_question(voice_app, gateway):
    phone = Phone(voice_app.test_client(), gateway, SURVEY_LINE, "+254733000779")
    phone.walk("1", "1", "7")
    assert phone.said.startswith("Choose one of the numbers shown. Are you female or male?")


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_a_repeated_callback_gets_the_same_document_and_runs_nothing(voice_app, gateway):
    phone = Phone(voice_app.test_client(), gateway, SURVEY_LINE, "+254733000780")
    phone.walk("1")
    url = phone.asking.get("action") or phone.asking.get("callbackUrl")
    field = "Digits" if gateway == "twilio" else "dtmfDigits"
    first = phone.post(url, phone.form(**{field: "1"}))
    from xml.etree.ElementTree import tostring

    again = tostring(phone.post(url, phone.form(**{field: "1"})))
    assert tostring(first) == again
    with voice_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) == 2


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_money_line_puts_the_caller_through_to_sales(seeded_voice, gateway):
    phone = Phone(seeded_voice.test_client(), gateway, MONEY_LINE, AMINA)
    phone.call()
    assert "For sales, press zero. For support, press 1." in phone.said
    assert "For this menu again, press 2." in phone.said
    phone.press("0")
    dial = phone.xml.find("Dial")
    assert dial is not None
    if gateway == "africastalking":
        assert dial.get("phoneNumbers") == SALES
        assert dial.get("ringbackTone") == f"{PUBLIC_BASE_URL}/voice/ringback.wav"
    else:
        assert dial.find("Number").text == SALES


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_money_line_two_says_the_menu_again(seeded_voice, gateway):
    phone = Phone(seeded_voice.test_client(), gateway, MONEY_LINE, AMINA)
    phone.walk()
    phone.press("2")
    assert phone.said.startswith("Thank you for calling Sauti Money")
    assert "For this menu again, press 2." in phone.said
    phone.press("1")
    assert SUPPORT in (
        phone.xml.find("Dial").get("phoneNumbers") or phone.xml.find("Dial/Number").text
    )


def test_call_me_end_to_end(seeded_voice):
    """USSD "Call me" -> outbox -> recorded call -> AT posts the answered call -> the IVR
    -> Dial with the app's ringback tone -> the final request ends the call's row."""
    client = seeded_voice.test_client()
    assert Handset(client, AMINA).walk("7", "1") == "END Thank you. We will call you shortly."
    with seeded_voice.app_context():
        placed = db.session.scalar(select(OutboxMessage).filter_by(kind="call"))
        assert (placed.status, placed.payload["from"]) == ("sent", MONEY_LINE)
    phone = Phone(client, "africastalking", MONEY_LINE, AMINA, outbound=True)
    phone.call()
    assert "For sales, press zero." in phone.said
    phone.press("1")
    dial = phone.xml.find("Dial")
    assert dial.get("phoneNumbers") == SUPPORT
    assert (
        seeded_voice.test_client()
        .get(dial.get("ringbackTone").removeprefix(PUBLIC_BASE_URL))
        .status_code
        == 200
    )
    phone.hang_up()
    phone.hang_up()
    with seeded_voice.app_context():
        [call] = db.session.scalars(select(Call)).all()
        assert (call.direction, call.msisdn, call.our_number) == ("outbound", AMINA, MONEY_LINE)
        assert (call.definition, call.outcome, call.duration_seconds) == (
            "money_line",
            "completed",
            30,
        )
        assert (call.cost, call.currency) == ("1.20", "KES")


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_caller_text_in_speech_stays_text(seeded_voice, gateway):
    hostile = "Amina</Say><Dial>+15550001111</Dial><Say>"
    with seeded_voice.app_context():
        db.session.scalar(select(Customer).filter_by(msisdn=AMINA)).name = hostile
        db.session.commit()
    phone = Phone(seeded_voice.test_client(), gateway, MONEY_LINE, AMINA)
    phone.call()
    assert phone.xml.find("Dial") is None
    assert hostile in phone.said


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_a_number_nobody_answers_says_so(voice_app, gateway):
    phone = Phone(voice_app.test_client(), gateway, "+254711082999", AMINA)
    phone.call()
    assert phone.said == "Sorry, this number is not in service."


def test_unsigned_twilio_call_changes_nothing(voice_app):
    phone = Phone(voice_app.test_client(), "twilio", SURVEY_LINE, "+254733000781")
    response = voice_app.test_client().post("/voice/twilio", data=phone.form())
    assert response.status_code == 403
    with voice_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Call)) == 0
    assert voice_app.extensions["redis"].keys("*") == []


def test_callmock_walks_the_money_line(seeded_voice):
    runner = seeded_voice.test_cli_runner()
    result = runner.invoke(
        args=["callmock", "--to", MONEY_LINE, "--from", AMINA, "--digits", "2 0"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("For sales, press zero.") == 2
    assert f"[dials {SALES} with ringback {PUBLIC_BASE_URL}/voice/ringback.wav]" in result.output
    twilio = runner.invoke(
        args=[
            "callmock",
            "--to",
            MONEY_LINE,
            "--from",
            AMINA,
            "--gateway",
            "twilio",
            "--digits",
            "1",
        ]
    )
    assert twilio.exit_code == 0, twilio.output
    assert f"[dials {SUPPORT}]" in twilio.output
    listed = runner.invoke(args=["calls", "list"]).output
    assert listed.count("money_line") == 2
