"""`flask directors bids MSISDN SERVICE_CODE`: every director's bid and why."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app import customers
from app.directors import Caller
from app.phones import InvalidPhoneNumber, to_e164
from app.ussd.request import UssdRequest


@click.group("directors")
def directors_cli() -> None:
    """Directors and their bids."""


@directors_cli.command("bids")
@click.argument("msisdn")
@click.argument("service_code")
@with_appcontext
def bids(msisdn: str, service_code: str) -> None:
    """Show what each director would bid for MSISDN dialling SERVICE_CODE."""
    try:
        msisdn = to_e164(msisdn, current_app.config["DEFAULT_COUNTRY"])
    except InvalidPhoneNumber as err:
        raise click.BadParameter(str(err), param_hint="MSISDN") from err
    base, extra = current_app.extensions["menus"].split_dial(service_code)
    request = UssdRequest("cli", "cli", msisdn, base, "", "", dialled_extra=extra)
    customer = customers.find(msisdn)
    caller = Caller(msisdn, customer.snapshot() if customer else None)
    offers = current_app.extensions["directors"].bids(request, caller)
    for rank, (director, bid) in enumerate(offers):
        marker = "*" if rank == 0 and bid.score > 0 else " "
        click.echo(f"{marker} {bid.score:3d}  {director.key:<20} {bid.reason}")
