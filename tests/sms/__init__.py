"""Helpers for the SMS tests: customers as clients, a message planned for them, and what
the development gateway recorded."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Customer, DevelopmentSms, SmsRecipient
from app.models.base import utcnow
from app.sms.dispatch import dispatch_due
from app.sms.messages import add_recipients, count_recipients, message_for


def add_client(msisdn: str, **columns) -> int:
    customer = Customer(msisdn=msisdn, fields=columns.pop("fields", {}), tags=[], **columns)
    db.session.add(customer)
    db.session.flush()
    return customer.id


def send_notice(app, text: str, msisdns: list[str], key: str = "notice:1", **options) -> int:
    """Plan `text` for the customers with `msisdns`, due now, and dispatch it."""
    with app.app_context():
        message = message_for(key, "notice", text, app.config, **options)
        chosen = select(Customer).where(Customer.msisdn.in_(msisdns))
        add_recipients(message, chosen, utcnow() - timedelta(seconds=1), None)
        count_recipients(message)
        db.session.commit()
        dispatch_due()
        return message.id


def recorded(app) -> list[tuple[str, str]]:
    """(msisdn, text) of everything the development gateway took, in order."""
    with app.app_context():
        rows = db.session.execute(
            select(DevelopmentSms.msisdn, DevelopmentSms.text).order_by(DevelopmentSms.id)
        )
        return [tuple(row) for row in rows]


def statuses(app, message_id: int | None = None) -> dict[str, str]:
    """msisdn -> status of every recipient row (of one message)."""
    with app.app_context():
        query = select(SmsRecipient.msisdn, SmsRecipient.status)
        if message_id is not None:
            query = query.where(SmsRecipient.message_id == message_id)
        return dict(db.session.execute(query).all())
