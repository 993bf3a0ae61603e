"""Customers: lookup, registration fields and PINs (salted hashes, limited tries)."""

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import Customer

FIXED_FIELDS = {"name", "city", "language"}


def find(msisdn: str) -> Customer | None:
    """The customer with this E.164 MSISDN, if registered."""
    return db.session.scalar(select(Customer).where(Customer.msisdn == msisdn))


def _peppered(pin: str, config: Mapping[str, Any]) -> str:
    # Four digits are 10,000 guesses whatever the hash costs; the server-side pepper is what
    # makes a stolen table useless offline, and the failure lock what stops guessing online.
    return hmac.new(config["PIN_PEPPER"].encode(), pin.encode(), hashlib.sha256).hexdigest()


def hash_pin(pin: str, config: Mapping[str, Any]) -> str:
    """A salted hash (werkzeug, `PIN_HASH_METHOD`) of the PIN keyed with `PIN_PEPPER`."""
    return generate_password_hash(_peppered(pin, config), method=config["PIN_HASH_METHOD"])


def pin_matches(pin_hash: str, pin: str, config: Mapping[str, Any]) -> bool:
    return check_password_hash(pin_hash, _peppered(pin, config))


def check_pin(customer: Customer, pin: str, config: Mapping[str, Any]) -> tuple[bool, int]:
    """Check a PIN, counting failures per customer in SQL (they survive restarts).

    Returns:
        (ok, tries_left): tries_left is 0 when the PIN is now locked.
    """
    now = datetime.now(UTC)
    locked_until = customer.pin_locked_until
    if locked_until is not None and locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=UTC)
    if locked_until is not None and locked_until > now:
        return False, 0
    if customer.pin_hash and pin_matches(customer.pin_hash, pin, config):
        customer.pin_failures = 0
        customer.pin_locked_until = None
        return True, config["PIN_MAX_FAILURES"]
    customer.pin_failures = (customer.pin_failures or 0) + 1
    left = config["PIN_MAX_FAILURES"] - customer.pin_failures
    if left <= 0:
        customer.pin_failures = 0
        customer.pin_locked_until = now + timedelta(seconds=config["PIN_LOCK_SECONDS"])
        left = 0
    return False, left


def store_fields(msisdn: str, values: Mapping[str, Any]) -> Customer:
    """Create or update the customer, putting fixed columns in place and the rest in
    `fields`. A value under `pin_hash` must already be a hash."""
    customer = find(msisdn)
    if customer is None:
        customer = Customer(msisdn=msisdn, fields={}, tags=[])
        db.session.add(customer)
    extra = dict(customer.fields or {})
    for key, value in values.items():
        if key in FIXED_FIELDS or key == "pin_hash":
            setattr(customer, key, value)
        else:
            extra[key] = value
    customer.fields = extra
    return customer


def add_tag(msisdn: str, tag: str) -> None:
    """Tag the customer (no-op when already tagged or unknown)."""
    customer = find(msisdn)
    if customer is not None and tag not in (customer.tags or []):
        customer.tags = [*(customer.tags or []), tag]
