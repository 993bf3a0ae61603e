"""Sauti: USSD and IVR menus from declarative YAML."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface

from config import Config


class NoCookieSessions(SessionInterface):
    """Gateways keep no cookies and Sauti keeps no browser sessions: skip opening one on
    every callback (state lives in Redis, keyed by the gateway's session id)."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None

    def save_session(self, app: Flask, session: object, response: Response) -> None:
        return None


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build a configured app. Tests pass `overrides`; nothing reads config at import time.

    Raises:
        ConfigurationError: settings are missing or do not fit (every one is named), or
            the embedded Redis would serve more than one process.
        MenuDefinitionError: a definition is invalid (every problem is listed).
    """
    from app import (
        actions,
        api,
        celery_app,
        cli,
        console,
        directors,
        health,
        interrogators,
        logs,
        mail,
        menus,
        metrics,
        sessions,
        voice,
    )
    from app.callcentre.views import bp as callcentre_bp
    from app.database import engine_options
    from app.extensions import db
    from app.hotline.views import bp as hotline_bp
    from app.settings import require_settings
    from app.sms import channel as sms_channel
    from app.sms.views import bp as sms_bp
    from app.surveys.views import bp as surveys_bp
    from app.ussd.views import bp as ussd_bp
    from app.voice.checks import check_voice

    app = Flask(__name__, instance_relative_config=True)
    app.session_interface = NoCookieSessions()
    app.config.from_object(Config())
    app.config.update(overrides or {})
    require_settings(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # the SQLite default lives here
    logs.init_app(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    from app import sqlite  # noqa: F401 - registers the SQLite connection hooks

    sessions.init_app(app)
    celery_app.init_app(app)
    mail.init_app(app)
    actions.init_app(app)
    interrogators.init_app(app)
    menus.init_app(app, directors.names(), channel_checks={"voice": check_voice})
    directors.init_app(app)
    app.register_blueprint(ussd_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(hotline_bp)
    app.register_blueprint(callcentre_bp)
    console.init_app(app)
    app.register_blueprint(sms_bp)
    sms_channel.init_app(app)
    api.init_app(app)
    voice.init_app(app)
    health.init_app(app)
    metrics.init_app(app)
    cli.init_app(app)
    return app
