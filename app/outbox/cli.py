"""`flask outbox list`: what was sent (or, with the development backends, would be)."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage


@click.group("outbox")
def outbox_cli() -> None:
    """Outgoing SMS, airtime, calls and email."""


@outbox_cli.command("list")
@click.option("--kind", type=click.Choice(["sms", "airtime", "call", "email"]))
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def list_outbox(kind: str | None, limit: int) -> None:
    """The latest outbox rows, newest first."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    for row in db.session.scalars(query):
        what = _summary(row)
        backend = row.backend or "-"
        click.echo(f"{row.id:5d} {row.kind:8} {row.status:8} {backend:14} {row.recipient}  {what}")


def _summary(row: OutboxMessage) -> str:
    if row.kind == "call":
        return f"call from {row.payload.get('from')} ({row.payload.get('reason', '')})"
    return (
        row.payload.get("message")
        or row.payload.get("subject")
        or f"{row.payload.get('amount_minor', 0) / 100:.2f}"
    )


@outbox_cli.command("sweep")
@click.option("--older-than", default=60, show_default=True, help="Seconds pending.")
@with_appcontext
def sweep_outbox(older_than: int) -> None:
    """Enqueue delivery of rows still pending (what Celery beat does every minute)."""
    from app.celery_app import celery_for
    from app.outbox.tasks import sweep

    celery_for(current_app._get_current_object())  # the tasks run on this app's Celery
    click.echo(f"enqueued {sweep(older_than)} deliveries")
