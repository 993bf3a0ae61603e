"""`flask smsmock --from N --text T`: an incoming SMS, posted as Africa's Talking posts it,
to a running server (`--url`) or in-process; prints what Sauti replies."""

import uuid
from datetime import UTC, datetime

import click
import requests
from flask import current_app
from flask.cli import with_appcontext

from app.phones import InvalidPhoneNumber, to_e164


@click.command("smsmock")
@click.option("--from", "sender", required=True, help="The sender's number, e.g. +254711000001.")
@click.option("--to", "short_code", default="21606", show_default=True, help="Short code.")
@click.option("--text", required=True, help="The message, e.g. JOIN.")
@click.option("--url", help="A running server's base URL, e.g. http://127.0.0.1:5000.")
@click.option("--id", "gateway_id", help="The gateway's message id (default: a new one).")
@click.option("--network", default="63902", show_default=True, help="networkCode to send.")
@with_appcontext
def smsmock_command(
    sender: str, short_code: str, text: str, url: str | None, gateway_id: str | None, network: str
) -> None:
    """Send an incoming SMS from SENDER and print Sauti's reply."""
    try:
        msisdn = to_e164(sender, current_app.config["DEFAULT_COUNTRY"])
    except InvalidPhoneNumber as err:
        raise click.BadParameter(str(err), param_hint="--from") from err
    form = {
        "from": msisdn,
        "to": short_code,
        "text": text,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "id": gateway_id or f"smsmock-{uuid.uuid4().hex}",
        "linkId": "",
        "networkCode": network,
    }
    path = f"/sms/africastalking/{current_app.config['AT_CALLBACK_TOKEN']}"
    if url:
        response = requests.post(url.rstrip("/") + path, data=form, timeout=15)
        status, body = response.status_code, response.text
    else:
        response = current_app.test_client().post(path, data=form)
        status, body = response.status_code, response.get_data(as_text=True)
    if status != 200:
        raise click.ClickException(f"HTTP {status}: {body}")
    click.echo(f"{short_code} -> {msisdn}: {body}" if body else "(no reply)")
