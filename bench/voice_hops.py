"""CPU per hop: a USSD hop (Africa's Talking) against a Twilio-signed voice hop, on the
same definition (the diet survey: `*384*3#` and `+254711082003`), in-process.

Run from the repo root: `python -m bench.voice_hops` (see `--help`; ~10 s). Each journey
dials, picks English, agrees and answers the gender question, as a new caller; the
figures are process CPU per hop (time.process_time), the Flask test client included on
both sides alike, so the ratio is what a voice hop costs over a USSD hop.
"""

import os
import statistics
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

import click
from twilio.request_validator import RequestValidator

from app import create_app
from app.extensions import db

TOKEN = "bench-token"
TWILIO_TOKEN = "bench-twilio-token"
PUBLIC = "https://sauti.bench"
KEYS = ("1", "1", "1")  # English, I agree, Female
FORM = "application/x-www-form-urlencoded"


def _app(database: str):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SESSION_SIGNING_KEY": "bench",
            "PIN_PEPPER": "bench",
            "AT_CALLBACK_TOKEN": TOKEN,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL"),
            "CELERY_BROKER_URL": None,
            "USSD_NEW_SESSIONS_PER_MINUTE": 0,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "PUBLIC_BASE_URL": PUBLIC,
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        db.create_all()
    return app


def ussd_journey(client, n: int) -> list[float]:
    """One USSD journey; returns each hop's CPU seconds."""
    session_id, msisdn, texts = f"ATUid_{uuid.uuid4().hex}", f"+2547330{n:05d}", []
    costs = []
    for key in (None, *KEYS):
        if key is not None:
            texts.append(key)
        form = {
            "sessionId": session_id,
            "serviceCode": "*384*3#",
            "phoneNumber": msisdn,
            "networkCode": "63902",
            "text": "*".join(texts),
        }
        start = time.process_time()
        response = client.post(f"/ussd/africastalking/{TOKEN}", data=form)
        costs.append(time.process_time() - start)
        assert response.status_code == 200 and response.data.startswith(b"CON"), response.data
    return costs


def voice_journey(client, n: int, validator: RequestValidator) -> list[float]:
    """One Twilio call to the same survey; returns each hop's CPU seconds (signing the
    request, done by Twilio in real life, is outside the measured time)."""
    form = {
        "CallSid": f"CA{uuid.uuid4().hex}",
        "AccountSid": "AC" + "0" * 32,
        "From": f"+2547340{n:05d}",
        "To": "+254711082003",
        "Direction": "inbound",
        "CallStatus": "in-progress",
        "ApiVersion": "2010-04-01",
    }
    path, costs = "/voice/twilio", []
    for key in (None, *KEYS):
        params = form if key is None else {**form, "Digits": key}
        headers = {"X-Twilio-Signature": validator.compute_signature(PUBLIC + path, params)}
        body = urlencode(params)
        start = time.process_time()
        response = client.post(path, data=body, headers=headers, content_type=FORM)
        costs.append(time.process_time() - start)
        assert response.status_code == 200, response.data
        gather = ET.fromstring(response.data).find("Gather")
        assert gather is not None, response.data
        action = urlsplit(gather.get("action"))
        path = action.path + (f"?{action.query}" if action.query else "")
    return costs


@click.command()
@click.option("--journeys", default=150, show_default=True, help="Journeys per channel.")
def main(journeys: int) -> None:
    """Print CPU per hop for USSD and Twilio voice, and their ratio."""
    with tempfile.TemporaryDirectory() as folder:
        app = _app(f"{folder}/bench.db")
        client, validator = app.test_client(), RequestValidator(TWILIO_TOKEN)
        for n in range(10):  # warm up both paths
            ussd_journey(client, 90000 + n)
            voice_journey(client, 90000 + n, validator)
        ussd, voice = [], []
        for n in range(journeys):  # interleaved, so both see the same machine load
            ussd += ussd_journey(client, n)
            voice += voice_journey(client, n, validator)
    for name, costs in (("USSD (Africa's Talking)", ussd), ("voice (Twilio, signed)", voice)):
        click.echo(
            f"{name:26} {len(costs):5d} hops  mean {statistics.mean(costs) * 1000:.2f} ms CPU"
            f"  median {statistics.median(costs) * 1000:.2f} ms"
        )
    ratio = statistics.mean(voice) / statistics.mean(ussd)
    click.echo(f"voice / USSD CPU per hop: {ratio:.2f}x")


if __name__ == "__main__":
    main()
