"""The voice blueprint: gateway webhooks under /voice.

| URL | who calls it |
|---|---|
| `POST /voice/twilio` | Twilio, "a call comes in" (and answered outbound calls), any number |
| `POST /voice/twilio/answer?hop=N` | Twilio, a `Gather` / `Record` action |
| `POST /voice/twilio/status` | Twilio status callbacks (signed) |
| `POST /voice/africastalking/<AT_CALLBACK_TOKEN>/digits?hop=N` | AT, `GetDigits` |
| `POST /voice/africastalking/<AT_CALLBACK_TOKEN>` | AT's voice callback, and its final request |
| `GET /voice/ringback.wav` | the gateway, for the ringback tone of a `Dial` |

Twilio requests are verified (403 before anything runs); AT signs nothing, so its URL
holds the secret token (404 otherwise).
"""

import functools
import hmac
import logging

from flask import Blueprint, Response, abort, current_app, request

from app.errors import GatewayRequestError
from app.extensions import db
from app.voice import calls
from app.voice.at_xml import render_at_xml, render_goodbye_at_xml
from app.voice.gateways import africastalking, twilio
from app.voice.hop import VoiceGateway, answer_call
from app.voice.queues import at_dequeue_confirmed, call_over
from app.voice.ringback import ringback_wav
from app.voice.settings import public_url
from app.voice.twiml import render_goodbye_twiml, render_twiml
from app.voice.urls import at_urls, twilio_urls
from app.voice.verify import twilio_signed

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/voice")


def _at_token_ok(token: str) -> bool:
    expected = current_app.config.get("AT_CALLBACK_TOKEN") or ""
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


@bp.errorhandler(GatewayRequestError)
def _malformed(err: GatewayRequestError) -> tuple[str, int]:
    return f"Bad request: {err}", 400


def _xml(document: str) -> Response:
    return Response(document, mimetype="application/xml")


def _hop() -> int | None:
    raw = request.args.get("hop", "")
    return int(raw) if raw.isdigit() else None


def _twilio_gateway() -> VoiceGateway:
    def answer_url(hop: int) -> str:
        return public_url(current_app, f"/voice/twilio/answer?hop={hop}")

    render = functools.partial(render_twiml, urls=twilio_urls())
    return VoiceGateway(twilio.NAME, render, render_goodbye_twiml, answer_url)


def _at_gateway(token: str) -> VoiceGateway:
    def answer_url(hop: int) -> str:
        return public_url(current_app, f"/voice/africastalking/{token}/digits?hop={hop}")

    render = functools.partial(render_at_xml, urls=at_urls(token))
    return VoiceGateway(africastalking.NAME, render, render_goodbye_at_xml, answer_url)


@bp.post("/twilio")
@twilio_signed
def twilio_call() -> Response:
    """Twilio's "a call comes in" webhook for every number (routed on `To`; on an
    outbound call we placed, on `From`)."""
    event = twilio.parse(request.form)
    if event.final:
        calls.record(event)
        db.session.commit()
        call_over(event)
        return _xml(render_goodbye_twiml("en", "no_input"))
    return _xml(answer_call(event, _twilio_gateway(), None))


@bp.post("/twilio/answer")
@twilio_signed
def twilio_answer() -> Response:
    """A Gather's or Record's action: the caller's keys (or recording) for prompt `hop`."""
    return _xml(answer_call(twilio.parse(request.form), _twilio_gateway(), _hop()))


@bp.post("/twilio/status")
@twilio_signed
def twilio_status() -> tuple[str, int]:
    """Twilio status callback: record the call's progress or how it ended, and end its
    place in a call queue (idempotent)."""
    event = twilio.parse(request.form)
    calls.record(event)
    db.session.commit()
    call_over(event)
    return "", 204


def at_final() -> Response:
    """AT's final request of a call (`isActive=0`): record how it ended (and, for a call
    queue, who was connected to whom, and that the wait or the call is over), answer empty."""
    event = africastalking.parse(request.form)
    calls.record(event)
    db.session.commit()
    at_dequeue_confirmed(event, request.form)
    call_over(event)
    return Response("", mimetype="text/plain")


@bp.post("/africastalking/<token>")
def africastalking_call(token: str) -> Response:
    """AT's voice callback for the number: a call comes in or an outbound call is
    answered (routed on `destinationNumber`), or, with `isActive=0`, the call ended."""
    if not _at_token_ok(token):
        abort(404)
    if request.form.get("isActive", "1") == "0":
        return at_final()
    event = africastalking.parse(request.form)
    if at_dequeue_confirmed(event, request.form):  # iShamba's "dequeue confirmation"
        return Response("", mimetype="text/plain")
    return _xml(answer_call(event, _at_gateway(token), None))


@bp.post("/africastalking/<token>/digits")
def africastalking_digits(token: str) -> Response:
    """A GetDigits (or Record) callback: the caller's keys for prompt `hop`; AT may also
    send the call's final request here."""
    if not _at_token_ok(token):
        abort(404)
    if request.form.get("isActive", "1") == "0":
        return at_final()
    event = africastalking.parse(request.form)
    return _xml(answer_call(event, _at_gateway(token), _hop()))


@bp.get("/ringback.wav")
def ringback() -> Response:
    """The ringback tone for AT `<Dial ringbackTone>`."""
    response = Response(ringback_wav(), mimetype="audio/wav")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
