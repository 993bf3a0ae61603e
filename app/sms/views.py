"""The SMS callback blueprint: `POST /sms/africastalking/<token>/delivery`.

Africa's Talking signs nothing, so the path carries AT_CALLBACK_TOKEN (404 otherwise). A
malformed report is a 400 naming the field; any well-formed report is a 200, including
one for a message Sauti does not know (the gateway would otherwise post it again).
"""

import hmac
import logging

from flask import Blueprint, Response, abort, current_app, request

from app.errors import GatewayRequestError
from app.sms.delivery import apply_report, parse_at_report

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__, url_prefix="/sms")


def _check_token(token: str) -> None:
    expected = current_app.config.get("AT_CALLBACK_TOKEN") or ""
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        abort(404)


@bp.post("/africastalking/<token>/delivery")
def delivery_report(token: str) -> Response:
    """One delivery report (`id`, `status`, `phoneNumber`, `networkCode`, `failureReason`,
    `retryCount`): moves the message's status on, never backwards.

    Source: Africa's Talking SMS API, "Delivery reports".
    """
    _check_token(token)
    apply_report(parse_at_report(request.form))
    return Response("OK", mimetype="text/plain")


@bp.errorhandler(GatewayRequestError)
def malformed(err: GatewayRequestError) -> tuple[Response, int]:
    log.info("malformed SMS callback: %s", err)
    return Response(f"Bad request: {err}", mimetype="text/plain"), 400
