"""Logs: nothing personal at any level, no line a caller can forge, and the level from
LOG_LEVEL."""

import logging
import re

from sqlalchemy import select, text

from app.extensions import db
from app.models import Customer
from app.seed import seed_demo, seed_locations
from tests.conftest import TOKEN, USSD_URL, Handset

NEW = "+254733000123"
BRIAN = "+254711000002"
PINS = ("5829", "3958")


def forbidden(app) -> set[str]:
    """Every MSISDN (in every shape), name, PIN hash and secret the journeys touched."""
    with app.app_context():
        people = list(db.session.scalars(select(Customer)))
        secrets = [app.config[name] for name in ("SECRET_KEY", "SESSION_SIGNING_KEY")]
        values = {TOKEN, app.config["PIN_PEPPER"], *secrets, *PINS}
        for person in people:
            national = "0" + person.msisdn[4:]
            values |= {person.msisdn, person.msisdn[1:], national, person.name}
            values.add(person.pin_hash or person.msisdn)
            values |= set(person.name.split())
    return {value for value in values if value}


def test_journeys_at_debug_log_no_number_name_pin_hash_or_token(app_factory, caplog):
    app = app_factory(LOG_LEVEL="DEBUG")
    with app.app_context():
        seed_demo(app.config)
        seed_locations()
    client = app.test_client()
    caplog.set_level(logging.DEBUG)
    Handset(client, NEW).walk("Zawadi Mwikali", "Thika", PINS[0], PINS[0], "1", "250", "1")
    Handset(client, NEW).walk("6", PINS[1])  # a wrong PIN
    Handset(client, BRIAN).walk("3", "0711000001", "150", "1", "1234")  # send money
    farmer = Handset(client, "+254733000124", "*384*2#")
    farmer.walk("1", "Tumaini Barasa", "2", "1975", "Kiambu")
    phone = Handset(client, BRIAN)
    phone.walk("2", "100", "1")
    with app.app_context():  # a database error inside a hop: its statement holds numbers
        db.session.execute(text("DROP TABLE outbox"))
        db.session.commit()
    assert phone.send("1234").startswith("END Sorry, something went wrong")
    assert "hop failed" in caplog.text and "[SQL" in caplog.text
    assert any(record.levelno == logging.DEBUG for record in caplog.records)
    logged = re.sub(r"ATUid_[0-9a-f]{32}", "ATUid_*", caplog.text)  # ids may hold any digits
    leaked = sorted(value for value in forbidden(app) if value in logged)
    assert leaked == []


def test_caller_input_cannot_forge_a_log_line_or_reach_the_log(app_factory, caplog):
    client = app_factory(LOG_LEVEL="DEBUG").test_client()
    caplog.set_level(logging.DEBUG)
    forged = "\nCRITICAL:sauti.security:FORGED"
    form = {
        "sessionId": f"ATUid_1{forged}",
        "serviceCode": "*999#",
        "phoneNumber": "+254711000001",
        "networkCode": "63902",
        "text": f"1*1234{forged}",
    }
    assert client.post(USSD_URL, data=form).get_data(as_text=True).startswith("END ")
    messages = [record.getMessage() for record in caplog.records]
    assert messages and not [m for m in messages if "\n" in m or "\r" in m]
    assert "ATUid_1\\nCRITICAL:sauti.security:FORGED" in caplog.text  # shown, escaped
    assert "1234" not in caplog.text  # the caller's replies are never logged


def test_log_level_comes_from_the_environment(monkeypatch, app_factory, caplog):
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    app = app_factory()
    assert app.config["LOG_LEVEL"] == "DEBUG"
    caplog.set_level(logging.DEBUG)
    Handset(app.test_client(), NEW).send()
    debug = [r for r in caplog.records if r.levelno == logging.DEBUG and r.name.startswith("app")]
    assert debug and "hop ATUid_" in debug[0].getMessage()
