"""The voice blueprint: gateway webhooks under /voice.

| URL | who calls it |
|---|---|
| `POST /voice/twilio/status` | Twilio status callbacks (signed) |
| `POST /voice/africastalking/<AT_CALLBACK_TOKEN>` | AT's voice callback, and its final request |
| `GET /voice/ringback.wav` | the gateway, for the ringback tone of a `Dial` |

Twilio requests are verified (403 before anything runs); AT signs nothing, so its URL
holds the secret token (404 otherwise).
"""

import hmac
import logging

from flask import Blueprint, Response, abort, current_app, request

from app.errors import GatewayRequestError
from app.extensions import db
from app.voice import calls
from app.voice.gateways import africastalking, twilio
from app.voice.ringback import ringback_wav
from app.voice.verify import twilio_signed

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/voice")


def _at_token_ok(token: str) -> bool:
    expected = current_app.config.get("AT_CALLBACK_TOKEN") or ""
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


@bp.errorhandler(GatewayRequestError)
def _malformed(err: GatewayRequestError) -> tuple[str, int]:
    return f"Bad request: {err}", 400


@bp.post("/twilio/status")
@twilio_signed
def twilio_status() -> tuple[str, int]:
    """Twilio status callback: record the call's progress or how it ended (idempotent)."""
    calls.record(twilio.parse(request.form))
    db.session.commit()
    return "", 204


def at_final() -> Response:
    """AT's final request of a call (`isActive=0`): record how it ended, answer empty."""
    calls.record(africastalking.parse(request.form))
    db.session.commit()
    return Response("", mimetype="text/plain")


@bp.post("/africastalking/<token>")
def africastalking_call(token: str) -> Response:
    """AT's voice callback for the number: a call comes in or an outbound call is
    answered (routed on `destinationNumber`), or, with `isActive=0`, the call ended."""
    if not _at_token_ok(token):
        abort(404)
    if request.form.get("isActive", "1") == "0":
        return at_final()
    abort(404)  # conversations are answered once the engine speaks voice


@bp.get("/ringback.wav")
def ringback() -> Response:
    """The ringback tone for AT `<Dial ringbackTone>`."""
    response = Response(ringback_wav(), mimetype="audio/wav")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
