"""API bearer tokens: `flask tokens create NAME` prints a new token once; only its SHA-256
digest is stored. A token is 32 random bytes, so a plain digest (no salt, no stretching)
is enough: there is nothing to guess."""

import hashlib
import json
import logging
import secrets

import click
from flask import Response, current_app, request
from flask.cli import with_appcontext
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken

log = logging.getLogger(__name__)


def digest(token: str) -> str:
    """The stored form of a token: SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str) -> str:
    """Create a token named `name` (committed) and return it; it is not kept anywhere.

    Raises:
        ValueError: a token with this name exists (revoke it first).
    """
    if db.session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise ValueError(f"a token named {name!r} exists; revoke it first")
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(name=name, token_hash=digest(token)))
    db.session.commit()
    return token


def revoke_token(name: str) -> bool:
    """Delete the token named `name` (committed); False when there is none."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        return False
    db.session.delete(row)
    db.session.commit()
    return True


def bearer_token() -> ApiToken | None:
    """The valid token the request carries in `Authorization: Bearer <token>`, or None."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(given.strip())))


def require_token() -> Response | None:
    """A `before_request` guard: None to go on, else 401 with `WWW-Authenticate: Bearer`
    and nothing done."""
    if bearer_token() is not None:
        return None
    db.session.rollback()
    body = json.dumps({"error": "send Authorization: Bearer <token> (flask tokens create NAME)"})
    response = current_app.response_class(body, status=401, mimetype="application/json")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


@click.group("tokens")
def tokens_cli() -> None:
    """API bearer tokens (for /api/v1 and the survey export API)."""


@tokens_cli.command("create")
@click.argument("name")
@with_appcontext
def create(name: str) -> None:
    """Create a token called NAME and print it (it is shown only this once)."""
    try:
        click.echo(create_token(name))
    except ValueError as err:
        raise click.UsageError(str(err)) from err


@tokens_cli.command("revoke")
@click.argument("name")
@with_appcontext
def revoke(name: str) -> None:
    """Revoke the token called NAME: requests carrying it get 401 from now on."""
    if not revoke_token(name):
        raise click.UsageError(f"no token named {name!r}")
    click.echo(f"revoked {name}")


@tokens_cli.command("list")
@with_appcontext
def list_tokens() -> None:
    """Token names and when they were created (never the tokens)."""
    for row in db.session.scalars(select(ApiToken).order_by(ApiToken.name)):
        click.echo(f"{row.name}  {row.created_at:%Y-%m-%d %H:%M}")
