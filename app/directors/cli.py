"""`flask directors bids MSISDN DIAL`: every director's bid, why, and what the hop does."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app import customers
from app.directors import Caller
from app.interrogators.messages import message
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
    """Show what each director would bid for MSISDN dialling SERVICE_CODE (the whole dial
    string, e.g. '*384*1#'), and what the caller would get."""
    try:
        msisdn = to_e164(msisdn, current_app.config["DEFAULT_COUNTRY"], possible=True)
    except InvalidPhoneNumber as err:
        raise click.BadParameter(str(err), param_hint="MSISDN") from err
    # Bids read only the whole dial string, so how a gateway splits it does not matter.
    request = UssdRequest("cli", "cli", msisdn, service_code, "", "")
    customer = customers.find(msisdn)
    caller = Caller(msisdn, customer.snapshot() if customer else None)
    directors = current_app.extensions["directors"]
    offers = directors.bids(request, caller)
    for rank, (director, bid) in enumerate(offers):
        marker = "*" if rank == 0 and bid.score > 0 else " "
        click.echo(f"{marker} {bid.score:3d}  {director.key:<20} {bid.reason}")
    winner, notice = directors.decide(offers)
    if winner is not None:
        click.echo(f"-> {winner.key} answers this dial")
    else:
        language = customer.language if customer else "en"
        click.echo(f"-> nobody bids: the caller is told {message(language, notice)!r}")
