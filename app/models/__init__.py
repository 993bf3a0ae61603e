"""SQLAlchemy 2.0 typed models, one module per area."""

from app.models.customers import CallRequest, Customer
from app.models.ledger import Account, LedgerEntry, LedgerTransaction
from app.models.locations import Location
from app.models.outbox import OutboxMessage
from app.models.sessions import HopOutcome, UssdSessionRecord
from app.models.surveys import DefinitionVersion, SurveyAnswer, SurveyQuota, SurveyRun

__all__ = [
    "Account",
    "CallRequest",
    "Customer",
    "DefinitionVersion",
    "HopOutcome",
    "LedgerEntry",
    "LedgerTransaction",
    "Location",
    "OutboxMessage",
    "SurveyAnswer",
    "SurveyQuota",
    "SurveyRun",
    "UssdSessionRecord",
]
