"""Logging: the level from LOG_LEVEL (or gunicorn's --log-level), no line a caller can
forge, and a path for access logs that leaves the callback tokens out.

Caller-supplied values (session ids, service codes, error messages quoting them) reach
logs only as arguments, and every argument has its CR and LF escaped, so no input can
start a line of its own. Loggers never get MSISDNs (`app.phones.mask`), PINs, names or
tokens; SQLAlchemy's parameters are hidden (app/database.py) and its statement log is off.
"""

import logging
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, request

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

    @app.before_request
    def _path_for_access_log() -> None:
        request.environ[LOGGED_PATH] = logged_path(request.path, app.config)
