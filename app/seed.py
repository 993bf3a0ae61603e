"""`flask seed`: demo customers with balances and a loan (idempotent)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app import customers, ledger
from app.extensions import db
from app.ledger import Leg
from app.models import Location
from app.places import load_places

DEMO_PIN = "1234"
DEMO_CUSTOMERS = [
    ("Amina Wanjiru", "Nairobi"),
    ("Brian Otieno", "Kisumu"),
    ("Cynthia Njeri", "Nakuru"),
    ("David Kiprono", "Eldoret"),
    ("Esther Achieng", "Mombasa"),
    ("Felix Mutua", "Machakos"),
    ("Grace Chebet", "Kericho"),
    ("Hassan Abdi", "Garissa"),
    ("Irene Moraa", "Kisii"),
    ("James Kamau", "Nyeri"),
]
DEMO_COUNT = 20


def demo_msisdn(n: int) -> str:
    """The n-th demo number (1-based): +254711000001, +254711000002, ..."""
    return f"+2547110{n:05d}"


def seed_demo(config: dict) -> int:
    """Create the demo customers (PIN 1234), their deposits and one loan; returns how many
    customers were created (0 when already seeded)."""
    created = 0
    pin_hash = customers.hash_pin(DEMO_PIN, config)
    ledger.house_account(ledger.HOUSE_MOBILE_MONEY)
    ledger.house_account(ledger.HOUSE_AIRTIME)
    ledger.house_account(ledger.HOUSE_LOANS)
    for n in range(1, DEMO_COUNT + 1):
        msisdn = demo_msisdn(n)
        if customers.find(msisdn) is not None:
            continue
        name, city = DEMO_CUSTOMERS[(n - 1) % len(DEMO_CUSTOMERS)]
        customer = customers.store_fields(
            msisdn, {"name": name, "city": city, "pin_hash": pin_hash}
        )
        db.session.flush()
        wallet = ledger.open_customer_accounts(customer).code
        opening = 5_000_00 + 1_000_00 * (n % 5)
        ledger.post(
            "deposit",
            [Leg(ledger.HOUSE_MOBILE_MONEY, -opening), Leg(wallet, opening)],
            f"seed:deposit:{msisdn}",
            msisdn,
            memo="opening balance",
        )
        if n % 3 == 1:
            loan = 10_000_00
            ledger.post(
                "loan",
                [Leg(ledger.loan_code(msisdn), -loan), Leg(wallet, loan)],
                f"seed:loan:{msisdn}",
                msisdn,
                memo="demo loan",
            )
        created += 1
    db.session.commit()
    return created


def seed_locations() -> int:
    """Load Kenya's counties (ISO 3166-2:KE), and the sample of sub-counties and wards shipped
    in app/data, into `locations` (what the migration does on `flask db upgrade`); returns
    how many places were added (0 when present)."""
    added = load_places(db.session.connection(), Location.__table__)
    db.session.commit()
    return added


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load demo data: customers +254711000001..20 (PIN 1234) with balances and some loans
    (and the places, which `flask db upgrade` loads already)."""
    created = seed_demo(current_app.config)
    click.echo(f"seeded {created} demo customers ({DEMO_COUNT} in all, PIN {DEMO_PIN})")
    click.echo(f"seeded {seed_locations()} locations")
