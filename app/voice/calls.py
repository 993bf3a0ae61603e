"""Call records: a row on a call's first callback, its end on the final one.

Every write is one statement that a repeat cannot change: the row is inserted with ON
CONFLICT DO NOTHING, and the end is written only while `ended_at` is still empty.
"""

import click
from flask.cli import with_appcontext
from sqlalchemy import select, update

from app.extensions import db
from app.models import Call
from app.models.base import insert_ignoring_duplicates, utcnow
from app.phones import mask
from app.voice.gateways import CallEvent


def record(event: CallEvent, definition: str = "") -> None:
    """Add the call's row if it is new; on a final callback, write how it ended (once).

    Runs in the caller's transaction; the caller commits.
    """
    insert_ignoring_duplicates(
        Call,
        ["gateway", "call_id"],
        gateway=event.gateway,
        call_id=event.call_id,
        direction=event.direction,
        msisdn=event.msisdn,
        our_number=event.our_number,
        definition=definition,
        status=event.status or "ringing",
        started_at=utcnow(),
        cost="",
        currency="",
        outcome="",
        hangup_cause="",
    )
    open_call = (Call.gateway == event.gateway, Call.call_id == event.call_id)
    if definition:
        db.session.execute(
            update(Call).where(*open_call, Call.definition == "").values(definition=definition)
        )
    if not event.final:
        return
    db.session.execute(
        update(Call)
        .where(*open_call, Call.ended_at.is_(None))
        .values(
            status=event.status or event.outcome,
            ended_at=utcnow(),
            duration_seconds=event.duration_seconds,
            cost=event.cost[:30],
            currency=event.currency,
            outcome=event.outcome,
            hangup_cause=event.hangup_cause,
        )
    )


@click.group("calls")
def calls_cli() -> None:
    """Phone calls, inbound and outbound."""


@calls_cli.command("list")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def list_calls(limit: int) -> None:
    """The latest calls, newest first: gateway, direction, caller, definition, outcome."""
    query = select(Call).order_by(Call.id.desc()).limit(limit)
    for call in db.session.scalars(query):
        started = call.started_at.strftime("%Y-%m-%d %H:%M:%S")
        duration = "-" if call.duration_seconds is None else f"{call.duration_seconds}s"
        cost = f"{call.currency} {call.cost}".strip() or "-"
        click.echo(
            f"{call.id:5d} {started} {call.gateway:14} {call.direction:8} "
            f"{mask(call.msisdn):15} {call.our_number:15} {call.definition or '-':16} "
            f"{call.outcome or call.status:10} {duration:>6} {cost:10} {call.hangup_cause}"
        )
