"""Console accounts: create, authenticate, and the `flask users` commands."""

import secrets
from datetime import UTC, datetime
from pathlib import Path

import click
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.errors import SautiError
from app.extensions import db
from app.models.users import ROLES, ConsoleUser

DEMO_EMAIL = "demo@sauti.local"
MIN_PASSWORD_CHARS = 8
_hashers: dict[tuple[int, int], tuple[PasswordHasher, str]] = {}


def _hasher() -> PasswordHasher:
    """Argon2id; `CONSOLE_ARGON2_TIME_COST` / `CONSOLE_ARGON2_MEMORY_KIB` default to the
    library's recommended parameters (tests lower them). Hashes made with other parameters
    still verify, and are re-hashed at the next login."""
    return _hasher_and_dummy()[0]


def _hasher_and_dummy() -> tuple[PasswordHasher, str]:
    """The hasher, and a hash of a random password to check unknown emails against."""
    config = current_app.config
    key = (config["CONSOLE_ARGON2_TIME_COST"], config["CONSOLE_ARGON2_MEMORY_KIB"])
    if key not in _hashers:
        hasher = PasswordHasher(time_cost=key[0], memory_cost=key[1])
        _hashers[key] = (hasher, hasher.hash(secrets.token_urlsafe(16)))
    return _hashers[key]


class UserError(SautiError):
    """A console account cannot be created or changed as asked (the message says why)."""


def _normal(email: str) -> str:
    return email.strip().lower()


def create_user(email: str, password: str, role: str) -> ConsoleUser:
    """Add a console user (committed).

    Raises:
        UserError: unknown role, malformed email, password under 8 characters, or the
            email already has an account.
    """
    email = _normal(email)
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254:
        raise UserError(f"not an email address: {email!r}")
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if find_user(email) is not None:
        raise UserError(f"{email} already has an account")
    user = ConsoleUser(email=email, password_hash=_hasher().hash(password), role=role)
    db.session.add(user)
    db.session.commit()
    return user


def find_user(email: str) -> ConsoleUser | None:
    """The account for `email` (case-insensitive), or None."""
    return db.session.scalar(select(ConsoleUser).where(ConsoleUser.email == _normal(email)))


def authenticate(email: str, password: str) -> ConsoleUser | None:
    """The active user whose password this is, or None; re-hashes an outdated hash.

    The hash is checked even for an unknown email, so the time taken does not tell which
    emails have accounts.
    """
    user = find_user(email)
    hasher, dummy = _hasher_and_dummy()
    stored = user.password_hash if user else dummy
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = datetime.now(UTC)
    db.session.commit()
    return user


def set_password(user: ConsoleUser, password: str) -> None:
    """Replace `user`'s password (committed).

    Raises:
        UserError: the password is under 8 characters.
    """
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    user.password_hash = _hasher().hash(password)
    db.session.commit()


@click.group("users")
def users_cli() -> None:
    """Console accounts (designers, operators, admins)."""


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.password_option(help="Asked twice when not given.")
@with_appcontext
def create_command(email: str, role: str, password: str) -> None:
    """Create a console account for EMAIL with ROLE."""
    try:
        user = create_user(email, password, role)
    except UserError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"created {user.email} ({user.role})")


@users_cli.command("list")
@with_appcontext
def list_command() -> None:
    """Every console account: email, role, active, last login."""
    users = db.session.scalars(select(ConsoleUser).order_by(ConsoleUser.email)).all()
    if not users:
        click.echo("no console users: flask users create EMAIL --role admin")
    for user in users:
        state = "active" if user.active else "disabled"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        click.echo(f"{user.email:<40} {user.role:<9} {state:<8} last login {last}")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option(help="Asked twice when not given.")
@with_appcontext
def set_password_command(email: str, password: str) -> None:
    """Set EMAIL's password."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no console user {email}")
    try:
        set_password(user, password)
    except UserError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"password set for {user.email}")


@users_cli.command("disable")
@click.argument("email")
@with_appcontext
def disable_command(email: str) -> None:
    """Stop EMAIL from logging in (their open sessions end on the next page)."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no console user {email}")
    user.active = False
    db.session.commit()
    click.echo(f"disabled {user.email}")


@users_cli.command("demo")
@with_appcontext
def demo_command() -> None:
    """The development login: an admin `demo@sauti.local` with a random password, kept in
    the instance folder (git-ignored) so each `make run` prints the same one."""
    saved = Path(current_app.instance_path) / "console-demo-password"
    user = find_user(DEMO_EMAIL)
    password = saved.read_text().strip() if saved.exists() else ""
    if user is None or not password:
        password = secrets.token_urlsafe(9)
        saved.write_text(password + "\n")
        saved.chmod(0o600)
        if user is None:
            create_user(DEMO_EMAIL, password, "admin")
        else:
            set_password(user, password)
    count = db.session.scalar(select(func.count()).select_from(ConsoleUser))
    click.echo(f"Console login: {DEMO_EMAIL} / {password}  ({count} console user(s))")
