"""SQLAlchemy 2.0 typed models, one module per area."""

from app.models.api import ApiToken, ImportJob, Schedule
from app.models.callcentre import AgentPhone, CallQueue, QueueEntry, RegistrationOffer
from app.models.calls import Call
from app.models.campaigns import Campaign
from app.models.customers import Customer
from app.models.hotline import Shift, ShiftReminder, Voicemail, Volunteer, VolunteerGroup
from app.models.ledger import Account, LedgerEntry, LedgerTransaction
from app.models.locations import Location
from app.models.outbox import OutboxMessage
from app.models.sessions import HopOutcome, UssdSessionRecord
from app.models.sms import DevelopmentSms, IncomingSms, SmsMessage, SmsRecipient
from app.models.subscriptions import BillingAttempt, Forecast, Subscription, Tip, TipSeries
from app.models.surveys import DefinitionVersion, SurveyAnswer, SurveyQuota, SurveyRun
from app.models.users import ConsoleUser

__all__ = [
    "ConsoleUser",
    "Account",
    "AgentPhone",
    "CallQueue",
    "ApiToken",
    "BillingAttempt",
    "Call",
    "Campaign",
    "Customer",
    "DefinitionVersion",
    "HopOutcome",
    "DevelopmentSms",
    "Forecast",
    "ImportJob",
    "IncomingSms",
    "LedgerEntry",
    "LedgerTransaction",
    "Location",
    "OutboxMessage",
    "QueueEntry",
    "RegistrationOffer",
    "Shift",
    "ShiftReminder",
    "Schedule",
    "SmsMessage",
    "SmsRecipient",
    "Subscription",
    "SurveyAnswer",
    "SurveyQuota",
    "SurveyRun",
    "Tip",
    "TipSeries",
    "UssdSessionRecord",
    "Voicemail",
    "Volunteer",
    "VolunteerGroup",
]
