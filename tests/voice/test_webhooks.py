"""Voice webhooks: Twilio signatures, call records, repeated final callbacks."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Call
from tests.voice.conftest import (
    AT_VOICE_URL,
    PUBLIC_BASE_URL,
    post_twilio,
    twilio_signature,
)

STATUS = "/voice/twilio/status"
COMPLETED = {
    "CallSid": "CA" + "1" * 32,
    "AccountSid": "AC" + "2" * 32,
    "From": "+254711000001",
    "To": "+254711082003",
    "Direction": "inbound",
    "CallStatus": "completed",
    "CallDuration": "42",
    "ApiVersion": "2010-04-01",
}
AT_FINAL = {
    "isActive": "0",
    "sessionId": "ATVId_final",
    "direction": "Outbound",
    "callerNumber": "+254711000001",
    "destinationNumber": "+254711082001",
    "callSessionState": "Completed",
    "durationInSeconds": "31",
    "currencyCode": "KES",
    "amount": "2.50",
    "hangupCause": "NORMAL_CLEARING",
}


def calls_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Call))


def test_signed_status_callback_records_the_call(voice_app):
    response = post_twilio(voice_app.test_client(), STATUS, COMPLETED)
    assert response.status_code == 204
    with voice_app.app_context():
        call = db.session.scalar(select(Call))
        assert (call.gateway, call.direction, call.msisdn) == ("twilio", "inbound", "+254711000001")
        assert (call.our_number, call.outcome, call.duration_seconds) == (
            "+254711082003",
            "completed",
            42,
        )
        assert call.ended_at is not None


def test_missing_signature_is_refused_without_a_trace(voice_app):
    response = post_twilio(voice_app.test_client(), STATUS, COMPLETED, signature=None)
    assert response.status_code == 403
    assert calls_count(voice_app) == 0


def test_wrong_signature_is_refused(voice_app):
    response = post_twilio(voice_app.test_client(), STATUS, COMPLETED, signature="AAAA")
    assert response.status_code == 403
    assert calls_count(voice_app) == 0


def test_signature_for_another_url_is_refused(voice_app):
    signature = twilio_signature("/voice/twilio/other", COMPLETED)
    response = post_twilio(voice_app.test_client(), STATUS, COMPLETED, signature=signature)
    assert response.status_code == 403 and calls_count(voice_app) == 0


def test_signature_with_another_token_is_refused(voice_app):
    signature = twilio_signature(STATUS, COMPLETED, token="someone-else")
    response = post_twilio(voice_app.test_client(), STATUS, COMPLETED, signature=signature)
    assert response.status_code == 403 and calls_count(voice_app) == 0


def test_changed_parameter_is_refused(voice_app):
    signature = twilio_signature(STATUS, COMPLETED)
    changed = {**COMPLETED, "CallDuration": "4200"}
    response = post_twilio(voice_app.test_client(), STATUS, changed, signature=signature)
    assert response.status_code == 403 and calls_count(voice_app) == 0


def test_extra_parameter_is_refused(voice_app):
    signature = twilio_signature(STATUS, COMPLETED)
    extra = {**COMPLETED, "Digits": "1"}
    response = post_twilio(voice_app.test_client(), STATUS, extra, signature=signature)
    assert response.status_code == 403 and calls_count(voice_app) == 0


def test_query_string_is_part_of_the_signed_url(voice_app):
    client = voice_app.test_client()
    from urllib.parse import urlencode

    from twilio.request_validator import RequestValidator

    from tests.voice.conftest import TWILIO_TOKEN

    validator = RequestValidator(TWILIO_TOKEN)
    good = validator.compute_signature(f"{PUBLIC_BASE_URL}{STATUS}?attempt=1", COMPLETED)
    body = urlencode(COMPLETED)
    kind = "application/x-www-form-urlencoded"
    bare = client.post(STATUS, data=body, headers={"X-Twilio-Signature": good}, content_type=kind)
    assert bare.status_code == 403
    with_query = client.post(
        f"{STATUS}?attempt=1", data=body, headers={"X-Twilio-Signature": good}, content_type=kind
    )
    assert with_query.status_code == 204


def test_no_auth_token_refuses_every_twilio_request(app):
    response = post_twilio(app.test_client(), STATUS, COMPLETED)
    assert response.status_code == 403 and calls_count(app) == 0


def test_repeated_final_callbacks_change_nothing(voice_app):
    client = voice_app.test_client()
    assert post_twilio(client, STATUS, COMPLETED).status_code == 204
    with voice_app.app_context():
        first = db.session.scalar(select(Call.ended_at))
    later = {**COMPLETED, "CallDuration": "99", "CallStatus": "failed"}
    assert post_twilio(client, STATUS, later).status_code == 204
    with voice_app.app_context():
        call = db.session.scalar(select(Call))
        assert (call.duration_seconds, call.outcome, call.ended_at) == (42, "completed", first)
    assert calls_count(voice_app) == 1


def test_at_final_request_records_duration_cost_and_cause_once(voice_app):
    client = voice_app.test_client()
    for _ in range(2):
        response = client.post(AT_VOICE_URL, data=AT_FINAL)
        assert response.status_code == 200
    with voice_app.app_context():
        call = db.session.scalar(select(Call))
        assert (call.gateway, call.direction, call.msisdn) == (
            "africastalking",
            "outbound",
            "+254711000001",
        )
        assert (call.duration_seconds, call.cost, call.currency) == (31, "2.50", "KES")
        assert (call.outcome, call.hangup_cause) == ("completed", "NORMAL_CLEARING")
    assert calls_count(voice_app) == 1


def test_at_unanswered_call_is_recorded_as_no_answer(voice_app):
    form = {**AT_FINAL, "durationInSeconds": "0", "hangupCause": "NO_ANSWER", "amount": "0"}
    voice_app.test_client().post(AT_VOICE_URL, data=form)
    with voice_app.app_context():
        assert db.session.scalar(select(Call.outcome)) == "no-answer"


def test_at_wrong_token_is_404_and_records_nothing(voice_app):
    response = voice_app.test_client().post("/voice/africastalking/wrong", data=AT_FINAL)
    assert response.status_code == 404 and calls_count(voice_app) == 0


def test_at_malformed_callback_is_400(voice_app):
    form = {key: value for key, value in AT_FINAL.items() if key != "sessionId"}
    response = voice_app.test_client().post(AT_VOICE_URL, data=form)
    assert response.status_code == 400 and b"sessionId" in response.data


def test_calls_list_shows_recent_calls(voice_app):
    voice_app.test_client().post(AT_VOICE_URL, data=AT_FINAL)
    result = voice_app.test_cli_runner().invoke(args=["calls", "list"])
    assert result.exit_code == 0, result.output
    assert "africastalking" in result.output and "outbound" in result.output
    assert "KES 2.50" in result.output and "NORMAL_CLEARING" in result.output
    assert "+254711000001" not in result.output  # masked


def test_ringback_tone_is_served_as_wav(voice_app):
    response = voice_app.test_client().get("/voice/ringback.wav")
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert response.data[:4] == b"RIFF"
