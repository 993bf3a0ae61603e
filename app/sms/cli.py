"""`flask sms ...`: opt a number out or back in, see what the development gateway took,
the day's statistics; `flask tick`: one minute of periodic work, by hand."""

import json
from datetime import UTC, date, datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.campaigns.stats import daily_statistics
from app.extensions import db
from app.models import DevelopmentSms
from app.phones import InvalidPhoneNumber, to_e164
from app.sms import optout


@click.group("sms")
def sms_cli() -> None:
    """Bulk SMS: opt-out, development records, statistics."""


def _msisdn(raw: str) -> str:
    try:
        return to_e164(raw)
    except InvalidPhoneNumber as err:
        raise click.UsageError(str(err)) from err


@sms_cli.command("opt-out")
@click.argument("msisdn")
@click.option("--source", default="cli", show_default=True, help="Who asked.")
@with_appcontext
def opt_out(msisdn: str, source: str) -> None:
    """Opt MSISDN out of every campaign and bulletin."""
    customer = optout.opt_out(_msisdn(msisdn), source)
    db.session.commit()
    click.echo(
        f"opted out since {customer.opted_out_at:%Y-%m-%d %H:%M} ({customer.opt_out_source})"
    )


@sms_cli.command("opt-in")
@click.argument("msisdn")
@with_appcontext
def opt_in(msisdn: str) -> None:
    """Take back MSISDN's opt-out."""
    if optout.opt_in(_msisdn(msisdn)) is None:
        raise click.UsageError("no customer with this number")
    db.session.commit()
    click.echo("opted in")


@sms_cli.command("sent")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def sent(limit: int) -> None:
    """What the development gateway took, newest first."""
    query = select(DevelopmentSms).order_by(DevelopmentSms.id.desc()).limit(limit)
    for row in db.session.scalars(query):
        sender = row.sender_id or "-"
        click.echo(f"{row.created_at:%Y-%m-%d %H:%M:%S} {sender:10} {row.msisdn}  {row.text}")


@sms_cli.command("stats")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="UTC day (today).")
@with_appcontext
def stats(day: datetime | None) -> None:
    """The day's figures: campaigns created, messages sent, delivery rate, busiest hour."""
    chosen: date = day.date() if day else datetime.now(UTC).date()
    click.echo(json.dumps(daily_statistics(chosen), indent=2))


@click.command("tick")
@with_appcontext
def tick_command() -> None:
    """Run one minute of periodic work now (what Celery beat starts every minute)."""
    from app.scheduling import run_tick

    started = run_tick()
    click.echo(f"tick done; periodic jobs started: {', '.join(started) or 'none'}")
