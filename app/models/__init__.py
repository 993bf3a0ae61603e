"""SQLAlchemy 2.0 typed models, one module per area."""

from app.models.callcentre import AgentPhone, CallQueue, QueueEntry, RegistrationOffer
from app.models.customers import CallRequest, Customer
from app.models.hotline import Shift, ShiftReminder, Voicemail, Volunteer, VolunteerGroup
from app.models.ledger import Account, LedgerEntry, LedgerTransaction
from app.models.locations import Location
from app.models.outbox import OutboxMessage
from app.models.sessions import HopOutcome, UssdSessionRecord
from app.models.subscriptions import Subscription
from app.models.surveys import DefinitionVersion, SurveyAnswer, SurveyQuota, SurveyRun
from app.models.users import ConsoleUser

__all__ = [
    "ConsoleUser",
    "Account",
    "AgentPhone",
    "CallQueue",
    "CallRequest",
    "Customer",
    "DefinitionVersion",
    "HopOutcome",
    "LedgerEntry",
    "LedgerTransaction",
    "Location",
    "OutboxMessage",
    "QueueEntry",
    "RegistrationOffer",
    "Shift",
    "ShiftReminder",
    "Subscription",
    "SurveyAnswer",
    "SurveyQuota",
    "SurveyRun",
    "UssdSessionRecord",
    "Voicemail",
    "Volunteer",
    "VolunteerGroup",
]
