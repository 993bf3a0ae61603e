"""SQLAlchemy 2.0 typed models, one module per area."""

from app.models.customers import CallRequest, Customer
from app.models.ledger import Account, LedgerEntry, LedgerTransaction
from app.models.outbox import OutboxMessage
from app.models.sessions import UssdSessionRecord

__all__ = [
    "Account",
    "CallRequest",
    "Customer",
    "LedgerEntry",
    "LedgerTransaction",
    "OutboxMessage",
    "UssdSessionRecord",
]
