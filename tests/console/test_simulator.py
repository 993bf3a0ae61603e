"""The phone simulator walks USSD sessions over the gateways' callback URLs."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import LedgerTransaction, UssdSessionRecord
from app.seed import seed_locations


def _screen(html: str) -> str:
    match = re.search(r'<div id="screen" class="screen[^"]*">(.*?)</div>', html, re.S)
    assert match, html
    return match.group(1).replace("&#39;", "'").replace("&amp;", "&")


def _walk_id(html: str) -> str:
    return re.search(r"/console/simulator/([0-9a-f]{32})/reply", html).group(1)


def dial(
    console, code="*384*1#", msisdn="+254711000001", gateway="africastalking", network="63902"
):
    form = {"code": code, "msisdn": msisdn, "gateway": gateway, "network": network}
    response = console.post("/console/simulator/dial", data=form)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def reply(console, walk_id, text):
    response = console.post(f"/console/simulator/{walk_id}/reply", data={"reply": text})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_simulator_deposits_over_the_africas_talking_callback(as_role, console_app):
    console = as_role("operator")
    html = dial(console)
    assert "Sauti Money" in _screen(html)
    assert re.search(r'id="char-count"[^>]*>\d+/160 chars', html)
    walk = _walk_id(html)
    for text in ("1", "500", "1", "1234"):
        html = reply(console, walk, text)
    assert "Deposited KES 500" in _screen(html)
    assert "session ended" in html
    with console_app.app_context():
        deposit = db.session.scalar(
            select(LedgerTransaction).where(LedgerTransaction.session_id.startswith("console-"))
        )
        assert deposit is not None and deposit.kind == "deposit"


def test_simulator_speaks_hubtel_json(as_role):
    console = as_role("designer")
    html = dial(console, gateway="hubtel", network="63903")
    assert "Sauti Money" in _screen(html)
    assert "/182 chars" in html
    html = reply(console, _walk_id(html), "6")
    assert "Enter your PIN" in _screen(html)
    assert "session ended" not in html


def test_simulator_shows_page_marks_and_pages_with_98(as_role, console_app):
    with console_app.app_context():
        seed_locations()
    console = as_role("admin")
    walk = _walk_id(dial(console, code="*384*2#", msisdn="+254733000001"))
    for text in ("1", "Wanjiku Kamau", "2"):
        reply(console, walk, text)
    html = reply(console, walk, "1985")
    assert "1. Baringo" in _screen(html)
    assert "page 1 · more: 98" in html
    html = reply(console, walk, "98")
    assert "7. Garissa" in _screen(html)
    assert "page 2" in html


def test_simulator_refuses_a_bad_number_politely(as_role):
    html = dial(as_role("admin"), msisdn="hello")
    assert "not a phone number" in _screen(html)


def test_hang_up_sends_the_gateways_end_of_session_notice(as_role, console_app):
    console = as_role("admin")
    html = dial(console)
    walk = _walk_id(html)
    reply(console, walk, "1")
    html = console.post(f"/console/simulator/{walk}/hang-up").get_data(as_text=True)
    assert "session ended" in html
    with console_app.app_context():
        record = db.session.scalar(select(UssdSessionRecord))
        assert record.status == "Incomplete" and record.session_id.startswith("console-")


def test_a_walk_saves_as_a_conversation_test(as_role):
    console = as_role("admin")
    html = dial(console, code="*384*2#", msisdn="+254799000456")
    walk = _walk_id(html)
    response = console.get(f"/console/simulator/{walk}/transcript.txt")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "dial *384*2# from +254799000456" in text
    assert "\nexpect " in text
    assert "attachment" in response.headers["Content-Disposition"]


def test_another_user_cannot_continue_a_walk(as_role):
    html = dial(as_role("admin"))
    other = as_role("operator")
    response = other.post(f"/console/simulator/{_walk_id(html)}/reply", data={"reply": "1"})
    assert response.status_code == 404
