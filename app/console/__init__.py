"""The web console under /console/: phone simulator, menu editor, results, customers and
operations, for logged-in staff. Server-rendered pages; htmx and a few lines of plain
JavaScript where a page updates live; every static file is served by the app itself.
"""

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from app.console.security import (
    ConsoleSessions,
    add_security_headers,
    can,
    check_csrf,
    shown_number,
)
from app.money import amount_text

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
login_manager = LoginManager()
login_manager.login_view = "console.login"
login_manager.login_message = "Please log in to use the console."
login_manager.session_protection = "strong"

# Which pages the navigation shows, in order: (endpoint, label, permission or None).
NAVIGATION = [
    ("console.simulator", "Simulator", None),
    ("console.menus", "Menus", None),
    ("console.results", "Results", None),
    ("console.customers", "Customers", "customers"),
    ("console.operations", "Operations", "operations"),
]


@login_manager.user_loader
def _load_user(user_id: str):  # noqa: ANN202 - ConsoleUser | None
    from app.extensions import db
    from app.models.users import ConsoleUser

    return db.session.get(ConsoleUser, int(user_id)) if user_id.isdigit() else None


@bp.before_request
def _guard() -> object:
    check_csrf()
    public = request.endpoint in {"console.login", "console.static"}
    if not public and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


bp.after_request(add_security_headers)
bp.add_app_template_filter(amount_text, "money")


@bp.errorhandler(CSRFError)
def _csrf_failed(err: CSRFError) -> tuple[str, int]:
    return render_template("console/error.html", title="Form expired", message=err.description), 400


@bp.errorhandler(403)
def _forbidden(err: Exception) -> tuple[str, int]:
    message = "Your role does not allow this page. Ask an admin if you need it."
    return render_template("console/error.html", title="Not allowed", message=message), 403


@bp.app_context_processor
def _helpers() -> dict:
    return {
        "csrf_token": generate_csrf,
        "can": can,
        "shown_number": shown_number,
        "console_navigation": NAVIGATION,
    }


@bp.get("/")
def home() -> object:
    """The console's front page: the simulator."""
    return redirect(url_for("console.simulator"))


def init_app(app: Flask) -> None:
    """Attach the console: its blueprint, logins, browser sessions on /console/ only, and
    the `flask users` commands."""
    from app.console import (  # noqa: F401
        auth,
        channels,
        customers,
        editor,
        operations,
        panels,
        results,
        simulator,
    )
    from app.console.users import users_cli
    from app.models import users  # noqa: F401 - the console_users table

    app.session_interface = ConsoleSessions()
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the login
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
