"""The simulator's voice mode (over the voice webhooks, Twilio's signed) and SMS mode (over
the incoming-SMS URL)."""

import html as markup
import re

import pytest
from sqlalchemy import select

from app.console.users import create_user
from app.extensions import db
from app.models import Call, IncomingSms
from app.seed import seed_demo
from tests.console.conftest import CHEAP_HASHING, Console

SURVEY_LINE, MONEY_LINE, SALES = "+254711082003", "+254711082001", "+254711082101"


@pytest.fixture
def voice_console_app(app_factory, menus_dir):
    """The console app with a Twilio auth token to sign with and a public URL."""
    app = app_factory(
        MENUS_DIR=str(menus_dir),
        TWILIO_AUTH_TOKEN="console-twilio-token",
        PUBLIC_BASE_URL="https://sauti.example.org",
        **CHEAP_HASHING,
    )
    with app.app_context():
        seed_demo(app.config)
        for role in ("operator", "admin"):
            create_user(f"{role}@example.org", "correct horse battery", role)
    return app


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</div>', html, re.S)
    assert match, html
    return markup.unescape(match.group(1))


def _call_id(html: str) -> str:
    return re.search(r"/console/simulator/voice/([0-9a-f]{32})/keys", html).group(1)


def call(console, to, gateway, msisdn="+254733000777"):
    form = {"to": to, "gateway": gateway, "msisdn": msisdn}
    response = console.post("/console/simulator/voice/dial", data=form)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def press(console, walk_id, keys):
    response = console.post(f"/console/simulator/voice/{walk_id}/keys", data={"keys": keys})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_voice_mode_walks_the_survey_over_signed_twilio_webhooks(voice_console_app):
    console = Console(voice_console_app, "operator")
    page = console.get("/console/simulator?mode=voice").get_data(as_text=True)
    assert 'value="twilio"' in page and SURVEY_LINE in page
    html = call(console, SURVEY_LINE, "twilio")
    assert _text(html, "voice-screen").startswith("Diet survey. Choose language")
    assert "waiting for keys" in html
    walk = _call_id(html)
    html = press(console, walk, "1")
    assert _text(html, "voice-screen").startswith("30 short questions")
    html = press(console, walk, "1")
    assert _text(html, "voice-screen").startswith("Are you female or male?")
    html = console.post(f"/console/simulator/voice/{walk}/hang-up").get_data(as_text=True)
    assert "call ended" in html
    with voice_console_app.app_context():
        row = db.session.scalar(select(Call))
        assert (row.gateway, row.msisdn, row.our_number) == ("twilio", "+254733000777", SURVEY_LINE)
        assert row.call_id.startswith("CAconsole") and row.status == "completed"


def test_voice_mode_over_africas_talking_puts_the_caller_through(voice_console_app):
    console = Console(voice_console_app, "admin")
    html = call(console, MONEY_LINE, "africastalking", msisdn="+254711000001")
    assert "For sales, press zero." in _text(html, "voice-screen")
    html = press(console, _call_id(html), "0")
    assert f"[connects the call to {SALES}]" in html
    assert "call ended" in html
    with voice_console_app.app_context():
        row = db.session.scalar(select(Call))
        assert row.gateway == "africastalking" and row.ended_at is not None


def test_voice_mode_refuses_bad_keys_and_other_users_calls(voice_console_app):
    console = Console(voice_console_app, "operator")
    walk = _call_id(call(console, SURVEY_LINE, "africastalking"))
    assert "Keys are 0-9" in press(console, walk, "1a")
    other = Console(voice_console_app, "admin")
    response = other.post(f"/console/simulator/voice/{walk}/keys", data={"keys": "1"})
    assert response.status_code == 404


def test_twilio_is_not_offered_without_a_token_to_sign_with(as_role):
    console = as_role("operator")
    page = console.get("/console/simulator?mode=voice").get_data(as_text=True)
    assert 'value="twilio"' not in page and "TWILIO_AUTH_TOKEN" in page
    form = {"to": SURVEY_LINE, "gateway": "twilio", "msisdn": "+254733000777"}
    assert console.post("/console/simulator/voice/dial", data=form).status_code == 400


def test_sms_mode_posts_to_the_incoming_url_and_shows_the_reply(as_role, console_app):
    console = as_role("operator")
    assert 'id="sms-start"' in console.get("/console/simulator?mode=sms").get_data(as_text=True)
    form = {"msisdn": "0711000801", "to": "21606", "text": "JOIN"}
    html = console.post("/console/simulator/sms/send", data=form).get_data(as_text=True)
    welcome = console_app.config["SMS_REPLIES"]["en"]["join"]
    assert markup.escape(welcome) in html and "JOIN" in html
    thread = re.search(r'name="walk_id" value="([0-9a-f]+)"', html).group(1)
    form = {"walk_id": thread, "msisdn": "+254711000801", "to": "21606", "text": "HELP"}
    html = console.post("/console/simulator/sms/send", data=form).get_data(as_text=True)
    assert "JOIN" in html and "HELP" in html  # the whole exchange
    with console_app.app_context():
        rows = db.session.scalars(select(IncomingSms).order_by(IncomingSms.id)).all()
        assert [(r.msisdn, r.text) for r in rows] == [
            ("+254711000801", "JOIN"),
            ("+254711000801", "HELP"),
        ]
