"""`flask mail list` / `flask mail show ID`: the emails sent (or, with the development
backend, recorded instead of sent)."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage


@click.group("mail")
def mail_cli() -> None:
    """Outgoing email (through the outbox)."""


@mail_cli.command("list")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def list_mail(limit: int) -> None:
    """The latest emails, newest first: id, status, backend, recipient, subject."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.kind == "email")
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    for row in db.session.scalars(query):
        backend = row.backend or "-"
        subject = row.payload.get("subject", "")
        click.echo(f"{row.id:5d} {row.status:8} {backend:12} {row.recipient}  {subject}")


@mail_cli.command("show")
@click.argument("outbox_id", type=int)
@with_appcontext
def show_mail(outbox_id: int) -> None:
    """One email in full: headers, then the body."""
    row = db.session.get(OutboxMessage, outbox_id)
    if row is None or row.kind != "email":
        raise click.ClickException(f"no email with id {outbox_id} (see `flask mail list`)")
    result = row.result or {}
    click.echo(f"To: {row.recipient}")
    click.echo(f"Subject: {row.payload.get('subject', '')}")
    click.echo(f"Status: {row.status} ({row.backend or 'not yet sent'})")
    if result.get("message_id"):
        click.echo(f"Message-ID: {result['message_id']}")
    if row.error:
        click.echo(f"Error: {row.error}")
    click.echo("")
    click.echo(row.payload.get("body", ""))
