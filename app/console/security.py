"""What keeps the console safe: browser sessions on /console/ only, CSRF on every POST,
security headers on every console response, and the role each page needs."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Request, Response, abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from app.phones import mask

PREFIX = "/console"

# Everything the console loads is served by the app itself: no inline script, no third
# party. Styles may be inline because Mermaid and CodeMirror style the nodes they draw.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ConsoleSessions(SecureCookieSessionInterface):
    """A signed cookie session for the console only, with the cookie's path /console:
    gateway callbacks (and every other URL) still open no session and set no cookie."""

    def open_session(self, app: Flask, request: Request) -> Any:
        if not _is_console(request.path):
            return None
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if session is None or not _is_console(request.path):
            return None
        return super().save_session(app, session, response)

    def get_cookie_path(self, app: Flask) -> str:
        return PREFIX


def _is_console(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def check_csrf() -> None:
    """Refuse a POST without the session's CSRF token (form field `csrf_token` or header
    `X-CSRFToken`, which htmx sends for every request from a console page).

    Raises:
        CSRFError: 400, with the reason.
    """
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except ValidationError as err:
        raise CSRFError(err.args[0]) from err


def add_security_headers(response: Response) -> Response:
    """The headers every console response carries."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not request.path.startswith(PREFIX + "/static/"):
        headers.setdefault("Cache-Control", "no-store")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def requires(*roles: str) -> Callable:
    """Let only users with one of `roles` through (403 for the others)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        checked.roles = roles  # type: ignore[attr-defined]
        return checked

    return decorate


def can(action: str) -> bool:
    """Whether the logged-in user may do `action` (for showing or hiding buttons)."""
    return current_user.is_authenticated and current_user.role in PERMISSIONS[action]


PERMISSIONS = {
    "publish": ("designer", "admin"),
    "customers": ("operator", "admin"),
    "operations": ("operator", "admin"),
    "unmasked": ("admin",),
}


def shown_number(msisdn: str | None) -> str:
    """A phone number as this user may see it: whole for admins, masked for the others."""
    return (msisdn or "-") if can("unmasked") else mask(msisdn)
