"""The USSD callback blueprint: `POST /ussd/<gateway>/<token>` and `/events`.

Every hop answers HTTP 200 with a body the gateway can show, even when something fails
inside it (a polite END, logged with the session id, SQL rolled back). Only a request that
is not a USSD callback at all gets an error status: 404 for a wrong token, 400 (naming the
field) for a malformed one.
"""

import hmac
import logging

import redis
from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select

from app.errors import (
    GatewayRequestError,
    RateLimitedError,
    SessionBusyError,
    SessionConflictError,
)
from app.extensions import db
from app.metrics import SESSIONS, note_hop
from app.models import UssdSessionRecord
from app.phones import mask
from app.sessions.manager import Screen, SessionManager
from app.signals import conversation_dropped
from app.ussd.gateways import UssdGateway, gateways

log = logging.getLogger(__name__)
bp = Blueprint("ussd", __name__, url_prefix="/ussd")
_GATEWAYS = gateways()
_REFUSALS = {SessionConflictError: "conflict", RateLimitedError: "rate_limited"}
_PRIVATE_FIELDS = frozenset({"phoneNumber", "Mobile", "text", "Message", "input"})


def _adapter(gateway: str, token: str) -> UssdGateway:
    adapter = _GATEWAYS.get(gateway)
    if adapter is None:
        abort(404)
    expected = current_app.config.get(adapter.token_setting) or ""
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        abort(404)
    return adapter


@bp.post("/<gateway>/<token>")
def callback(gateway: str, token: str) -> Response:
    """One hop of a USSD session."""
    adapter = _adapter(gateway, token)
    report = adapter.outcome(request, current_app.config) if adapter.reports_inline else None
    if report is not None:
        _record(adapter.name, report)
        return adapter.respond(Screen("", True), None)
    ussd_request = adapter.parse(request, current_app.config)
    if log.isEnabledFor(logging.DEBUG):  # never the phone number or the replies (PINs)
        shown = {k: v for k, v in request.form.items() if k not in _PRIVATE_FIELDS}
        log.debug("hop %s from %s: %s", ussd_request.session_id, mask(ussd_request.msisdn), shown)
    manager = SessionManager(current_app)
    try:
        screen = manager.handle(ussd_request)
        note_hop(outcome="end" if screen.end else "continue")
    except (SessionConflictError, RateLimitedError, SessionBusyError, redis.RedisError) as err:
        log.warning("session %s refused: %s", ussd_request.session_id, err)
        note_hop(outcome=_REFUSALS.get(type(err), "busy"))
        screen = manager.refused(ussd_request, err)
    except Exception as err:  # the boundary: the handset still gets a polite END
        log.exception("session %s: hop failed", ussd_request.session_id)
        db.session.rollback()
        note_hop(outcome="error")
        screen = manager.refused(ussd_request, err)
    return adapter.respond(screen, ussd_request)


@bp.post("/<gateway>/<token>/events")
def events(gateway: str, token: str) -> Response:
    """The gateway's end-of-session notification: record the session's outcome."""
    adapter = _adapter(gateway, token)
    report = adapter.outcome(request, current_app.config)
    if report is None:
        raise GatewayRequestError("not an end-of-session notification")
    _record(adapter.name, report)
    return Response("OK", mimetype="text/plain")


def _record(gateway: str, report: dict) -> None:
    record = db.session.scalar(
        select(UssdSessionRecord).where(UssdSessionRecord.session_id == report["session_id"])
    )
    if record is None:
        record = UssdSessionRecord(gateway=gateway, session_id=report["session_id"])
        db.session.add(record)
    for name, value in report.items():
        setattr(record, name, value)
    if report["status"] != "Success":
        conversation_dropped.send(
            current_app._get_current_object(), session_id=report["session_id"], channel="ussd"
        )
    db.session.commit()
    SESSIONS.labels(gateway, report["status"]).inc()
    log.info("session %s ended: %s", report["session_id"], report["status"])


@bp.errorhandler(GatewayRequestError)
def malformed(err: GatewayRequestError) -> tuple[Response, int]:
    log.info("malformed USSD callback: %s", err)
    return Response(f"Bad request: {err}", mimetype="text/plain"), 400
