"""The SMS callback blueprint: incoming messages at `POST /sms/africastalking/<token>`,
delivery reports at `POST /sms/africastalking/<token>/delivery`.

Africa's Talking signs nothing, so the path carries AT_CALLBACK_TOKEN (404 otherwise). A
malformed callback is a 400 naming the field; any well-formed one is a 200, including a
report for a message Sauti does not know and a message posted again (AT re-posts until
it gets a 200).
"""

import hmac
import logging

from flask import Blueprint, Response, abort, current_app, request

from app.errors import ConfigurationError, GatewayRequestError
from app.sms import incoming, keywords
from app.sms.delivery import apply_report, parse_at_report

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__, url_prefix="/sms")


@bp.record_once
def _check_keywords(state) -> None:  # noqa: ANN001 - flask.blueprints.BlueprintSetupState
    problems = keywords.check(state.app.config)
    if problems:
        raise ConfigurationError("; ".join(problems))


def _check_token(token: str) -> None:
    expected = current_app.config.get("AT_CALLBACK_TOKEN") or ""
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        abort(404)


@bp.post("/africastalking/<token>")
def incoming_message(token: str) -> Response:
    """One incoming SMS (`from`, `to`, `text`, `date`, `id`, `linkId`, `networkCode`).

    The body is Sauti's reply text (AT ignores it; `flask smsmock` prints it), empty
    when there is none; the reply itself goes out by SMS through the outbox.

    Source: Africa's Talking SMS API, "Incoming messages".
    """
    _check_token(token)
    answer = incoming.receive(incoming.parse_at_incoming(request.form, current_app.config))
    return Response(answer.reply or "", mimetype="text/plain")


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
