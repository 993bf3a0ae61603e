"""Log in and out. Failed attempts are counted in Redis per email and per address."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.console import bp
from app.console.users import authenticate
from app.extensions import redis_client

WINDOW_SECONDS = 15 * 60


class LoginForm(FlaskForm):
    """Email and password (with the CSRF token Flask-WTF adds)."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


def _attempt_keys(email: str) -> list[str]:
    return [
        f"sauti:console:login:email:{email.strip().lower()}",
        f"sauti:console:login:addr:{request.remote_addr}",
    ]


def _too_many(email: str) -> bool:
    limit = current_app.config["CONSOLE_LOGIN_ATTEMPTS"]
    counts = redis_client(current_app).mget(_attempt_keys(email))
    return any(int(count or 0) >= limit for count in counts)


def _count_failure(email: str) -> None:
    pipe = redis_client(current_app).pipeline()
    for key in _attempt_keys(email):
        pipe.incr(key)
        pipe.expire(key, WINDOW_SECONDS)
    pipe.execute()


@bp.route("/login", methods=["GET", "POST"])
def login() -> object:
    """The login form; on success, the page asked for (on this console) or the simulator."""
    if current_user.is_authenticated:
        return redirect(url_for("console.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data
        if _too_many(email):
            flash("Too many failed attempts: wait 15 minutes and try again.", "error")
            return render_template("console/login.html", form=form), 429
        user = authenticate(email, form.password.data)
        if user is None:
            _count_failure(email)
            flash("Wrong email or password.", "error")
            return render_template("console/login.html", form=form), 401
        session.clear()
        session.permanent = True
        login_user(user)
        return redirect(_next_page())
    return render_template("console/login.html", form=form)


def _next_page() -> str:
    """Only a path inside the console: never an open redirect."""
    target = request.args.get("next", "")
    if target.startswith("/console/") and not target.startswith("//"):
        return target
    return url_for("console.home")


@bp.post("/logout")
def logout() -> object:
    """Log out (a POST, so another site cannot log a user out with a link)."""
    logout_user()
    session.clear()
    return redirect(url_for("console.login"))
