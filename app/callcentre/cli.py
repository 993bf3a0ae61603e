"""`flask callcentre …`: queue status, queues and agent phones."""

from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.callcentre import admin
from app.callcentre.status import queue_status
from app.cli import admin_command
from app.extensions import db
from app.languages import parse_greetings
from app.models import AgentPhone, CallQueue


@click.group("callcentre")
def callcentre_cli() -> None:
    """The call centre: status, queues, agent phones."""


@callcentre_cli.command("status")
@with_appcontext
def status() -> None:
    """Per queue: callers waiting (masked) and for how long, agents on a call."""
    for queue in queue_status()["queues"]:
        click.echo(
            f"{queue['name']} ({queue['number']}, agents dial {queue['dequeue_number']}): "
            f"{len(queue['waiting'])} waiting, {len(queue['agents_on_call'])} of "
            f"{queue['agents']} agents on a call"
        )
        for n, caller in enumerate(queue["waiting"], start=1):
            click.echo(f"  {n}. {caller['caller']} waiting {caller['waited_seconds']} s")
        for call in queue["agents_on_call"]:
            agent = f"{call['name']} {call['agent']}".strip()
            click.echo(f"  agent {agent} with {call['caller']} for {call['seconds']} s")


@callcentre_cli.group("queue")
def queue_cli() -> None:
    """Queues (callers dial NUMBER; agents dial the dequeue number)."""


@admin_command(queue_cli, "add")
@click.argument("name")
@click.option("--number", required=True, help="The number callers dial (E.164).")
@click.option("--dequeue-number", required=True, help="The number agents dial.")
@click.option("--hold-music", "hold_music_url", default="", help="URL of the hold music.")
@click.option("--greeting", multiple=True, help="LANGUAGE=TEXT, once per language.")
@click.option("--priority", default=0, show_default=True, help="Higher is served first.")
def add_queue(name: str, greeting: tuple[str, ...], **fields: Any) -> None:
    """Add a queue."""
    queue = admin.add_queue(name, greetings=parse_greetings(greeting), **fields)
    db.session.commit()
    click.echo(f"queue {queue.id}: {queue.name} on {queue.number}, dequeue {queue.dequeue_number}")


@queue_cli.command("list")
@with_appcontext
def list_queues() -> None:
    """Every queue: id, name, numbers, priority, hold music."""
    for queue in db.session.scalars(select(CallQueue).order_by(CallQueue.id)):
        click.echo(
            f"{queue.id:4d} {queue.name}  {queue.number} (dequeue {queue.dequeue_number}), "
            f"priority {queue.priority}, hold music {queue.hold_music_url or '-'}"
        )


@callcentre_cli.group("agent")
def agent_cli() -> None:
    """Agent phones: the phones whose calls to a dequeue number are connected."""


@admin_command(agent_cli, "add")
@click.argument("queue_ref", metavar="QUEUE")
@click.argument("number")
@click.option("--name", default="")
def add_agent(queue_ref: str, number: str, name: str) -> None:
    """Register an agent phone for QUEUE (id or name)."""
    agent = admin.add_agent(queue_ref, number, name)
    db.session.commit()
    click.echo(f"agent {agent.id}: {agent.phone} on {agent.queue.name}")


@agent_cli.command("list")
@with_appcontext
def list_agents() -> None:
    """Every agent phone: id, queue, phone, name, active."""
    for agent in db.session.scalars(select(AgentPhone).order_by(AgentPhone.id)):
        state = "" if agent.active else "  (inactive)"
        click.echo(f"{agent.id:4d} {agent.queue.name}  {agent.phone}  {agent.name or '-'}{state}")


@agent_cli.command("remove")
@click.argument("agent_id", type=int)
@with_appcontext
def remove_agent(agent_id: int) -> None:
    """Unregister an agent phone by id (its past calls stay in the queue records)."""
    agent = db.session.get(AgentPhone, agent_id)
    if agent is None:
        raise click.ClickException(f"no agent phone {agent_id} (see `flask callcentre agent list`)")
    phone = agent.phone
    db.session.delete(agent)
    db.session.commit()
    click.echo(f"removed agent phone {agent_id} ({phone})")
