"""Helpers: subscribers in places, with subscriptions of a product."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Customer, Location, Subscription


def place(name: str) -> int:
    return db.session.scalar(select(Location.id).where(Location.name == name))


def subscriber(msisdn: str, product: str, **values) -> int:
    """A customer with one subscription (active from 2026-01-01 unless told)."""
    customer = Customer(msisdn=msisdn, fields={}, tags=[])
    db.session.add(customer)
    db.session.flush()
    values.setdefault("status", "active")
    values.setdefault("starts_on", date(2026, 1, 1))
    db.session.add(Subscription(customer_id=customer.id, product=product, **values))
    db.session.flush()
    return customer.id
