"""Opt-out: a customer's "no more campaigns or bulletins", recorded with time and source.

Every send checks it (when recipients are chosen, and again just before the gateway is
called). Transactional messages (receipts) are not affected.
"""

from datetime import datetime

from sqlalchemy import update

from app import customers
from app.extensions import db
from app.models import Customer, SmsRecipient
from app.models.base import utcnow


def opt_out(msisdn: str, source: str, at: datetime | None = None) -> Customer:
    """Opt the customer out of every campaign and bulletin at once.

    A number Sauti does not know yet gets a customer row, so the opt-out holds when the
    number is imported later. Messages already planned for them are marked `opted_out`.
    The caller commits.

    Args:
        msisdn: E.164.
        source: who or what asked ("sms", "api", "cli", "ussd", ...).
        at: when (default now, UTC).

    Returns:
        the customer.
    """
    customer = customers.find(msisdn) or customers.store_fields(msisdn, {})
    if customer.opted_out_at is None:
        customer.opted_out_at = at or utcnow()
        customer.opt_out_source = source[:40]
    db.session.flush()
    db.session.execute(
        update(SmsRecipient)
        .where(
            SmsRecipient.customer_id == customer.id,
            SmsRecipient.status.in_(("planned", "queued")),
        )
        .values(status="opted_out", status_at=utcnow())
    )
    return customer


def opt_in(msisdn: str) -> Customer | None:
    """Take back an opt-out (the customer asked to hear from us again). The caller commits.

    Returns:
        the customer, or None when the number is unknown.
    """
    customer = customers.find(msisdn)
    if customer is not None:
        customer.opted_out_at = None
        customer.opt_out_source = None
    return customer
