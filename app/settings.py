"""Start-up checks on settings: stop early, naming the variable to set."""

import secrets

from flask import Flask

from app.errors import ConfigurationError

REQUIRED_SECRETS = ("SECRET_KEY", "SESSION_SIGNING_KEY", "PIN_PEPPER", "AT_CALLBACK_TOKEN")


def require_secrets(app: Flask) -> None:
    """Outside debug and testing, every secret must be set in the environment.

    In debug or testing a missing secret gets a random per-process value (sessions then
    do not survive a restart), and the callback token is logged so the URL can be used.

    Raises:
        ConfigurationError: naming the first missing variable.
    """
    lenient = app.config.get("TESTING") or app.debug
    for name in REQUIRED_SECRETS:
        if app.config.get(name):
            continue
        if not lenient:
            raise ConfigurationError(f"set {name} in the environment (or .env)")
        app.config[name] = secrets.token_urlsafe(24)
        if name == "AT_CALLBACK_TOKEN":
            app.logger.warning("AT_CALLBACK_TOKEN unset: using %s", app.config[name])
