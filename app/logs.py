"""Logging: the level from LOG_LEVEL (or gunicorn's --log-level), no line a caller can
forge, and a path for access logs that leaves the callback tokens out.

Caller-supplied values (session ids, service codes, error messages quoting them) reach
logs only as arguments, and every argument has its CR and LF escaped, so no input can
start a line of its own. Loggers never get MSISDNs (`app.phones.mask`), PINs, names or
tokens; SQLAlchemy's parameters are hidden (app/database.py) and its statement log is off.
"""

import json
import logging
import os
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request

APP_LOGGERS = ("app", "sauti")
# A line per state change, per task, per statement (with rows): not wanted at DEBUG.
QUIET_LOGGERS = ("transitions", "celery.app.trace", "sqlalchemy")
TOKEN_SETTINGS = ("AT_CALLBACK_TOKEN", "HUBTEL_CALLBACK_TOKEN")
# WSGI environ key holding the request path with tokens replaced; gunicorn.conf.py logs it.
LOGGED_PATH = "sauti.path"
_factory_installed = False


def level(config: Mapping[str, Any]) -> int:
    """LOG_LEVEL (checked at start-up, app/settings.py), else gunicorn's --log-level when
    served by gunicorn, else INFO."""
    name = config.get("LOG_LEVEL")
    if name:
        return logging.getLevelNamesMapping()[str(name).upper()]
    if os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/"):
        return logging.getLogger("gunicorn.error").level or logging.INFO
    return logging.INFO


def escaped(value: object) -> object:
    """`value` with CR and LF shown as \\r and \\n when its text holds them."""
    if isinstance(value, int | float) or value is None:
        return value
    text = str(value)
    if "\n" not in text and "\r" not in text:
        return value
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _install_record_factory() -> None:
    global _factory_installed
    if _factory_installed:
        return
    make_record = logging.getLogRecordFactory()

    def record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        made = make_record(*args, **kwargs)
        if isinstance(made.args, Mapping):
            made.args = {key: escaped(value) for key, value in made.args.items()}
        elif made.args:
            made.args = tuple(escaped(value) for value in made.args)
        return made

    logging.setLogRecordFactory(record)
    _factory_installed = True


def logged_path(path: str, config: Mapping[str, Any]) -> str:
    """`path` with every configured callback token replaced by "<token>"."""
    for name in TOKEN_SETTINGS:
        token = config.get(name)
        if token and token in path:
            path = path.replace(token, "<token>")
    return path


class TokenFilter(logging.Filter):
    """Shows callback tokens in a record's message as "<token>": for gunicorn's own lines,
    which name the request path at DEBUG (gunicorn.conf.py adds it to gunicorn's logger).

    Args:
        config: the settings naming the tokens (TOKEN_SETTINGS).
    """

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__()
        self.config = config

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = logged_path(message, self.config)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


# Form fields that name the conversation and the caller, per gateway (AT, Hubtel, Twilio).
SESSION_FIELDS = ("sessionId", "SessionId", "CallSid")
MSISDN_FIELDS = ("phoneNumber", "Mobile", "From", "callerNumber")
REQUEST_ID_HEADER = "X-Request-Id"


class RequestContextFilter(logging.Filter):
    """Adds `request_id`, `session_id` and the masked `msisdn` to every record logged while
    a request is served ("-" outside one), for the JSON formatter and the text format."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = g.get("log_context") if has_request_context() else None
        context = context or {}
        record.request_id = context.get("request_id", "-")
        record.session_id = context.get("session_id", "-")
        record.msisdn = context.get("msisdn", "-")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, session id,
    masked MSISDN and, when there is one, the exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "session_id": getattr(record, "session_id", "-"),
            "msisdn": getattr(record, "msisdn", "-"),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def request_context() -> dict[str, str]:
    """The log fields of the current request: its id (the caller's X-Request-Id when it
    is sane, else a new one), the gateway's session id and the caller's masked number."""
    from app.phones import mask

    given = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = given if given.isascii() and given.isprintable() and 8 <= len(given) <= 64 else ""
    form = request.form if request.mimetype == "application/x-www-form-urlencoded" else {}
    session_id = next((form[f] for f in SESSION_FIELDS if form.get(f)), "-")
    msisdn = next((form[f] for f in MSISDN_FIELDS if form.get(f)), None)
    return {
        "request_id": request_id or uuid.uuid4().hex,
        "session_id": str(escaped(session_id))[:100],
        "msisdn": mask(msisdn),
    }


def _install_handler_extras(log_format: str) -> None:
    """Every root handler gets the request context, and the JSON format when asked (the
    text format stays as it is)."""
    for handler in logging.getLogger().handlers:
        if type(handler).__module__.startswith("_pytest"):
            continue  # the test runner's own capture keeps its format
        if not any(isinstance(f, RequestContextFilter) for f in handler.filters):
            handler.addFilter(RequestContextFilter())
        if log_format == "json":
            handler.setFormatter(JsonFormatter())


def init_app(app: Flask) -> None:
    """Set the app's log level, quieten chatty libraries, escape arguments, and give the
    access log a path without tokens (`environ["sauti.path"]`)."""
    app_level = level(app.config)
    logging.basicConfig(level=max(app_level, logging.INFO))  # libraries stay at INFO
    for name in APP_LOGGERS:
        logging.getLogger(name).setLevel(app_level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    _install_record_factory()

    _install_handler_extras(str(app.config.get("LOG_FORMAT") or "text").lower())

    @app.before_request
    def _path_for_access_log() -> None:
        request.environ[LOGGED_PATH] = logged_path(request.path, app.config)
        g.log_context = request_context()

    @app.after_request
    def _echo_request_id(response):  # noqa: ANN001, ANN202 - Flask's hook signature
        context = g.get("log_context")
        if context:
            response.headers[REQUEST_ID_HEADER] = context["request_id"]
        return response
