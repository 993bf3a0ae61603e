"""Who may queue, and where: the decision a call-centre director's bid is built on.

As iShamba's call centre did: active subscribers wait in the highest-priority queue on the
number they dialled; lapsed subscribers hear how to renew; callers who never subscribed are
offered registration by USSD in an SMS (`offer_registration`, through the outbox).
"""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import select, update

from app.extensions import db
from app.languages import caller_language, in_language
from app.models import CallQueue, RegistrationOffer
from app.models.base import insert_ignoring_duplicates
from app.outbox import commit, dispatch, queue
from app.phones import mask
from app.subscriptions import ACTIVE, LAPSED, subscription_status

log = logging.getLogger(__name__)

ENQUEUE = "enqueue"
RENEW = "renew"
OFFER_REGISTRATION = "offer_registration"
NO_SUCH_QUEUE = "no_such_queue"

MESSAGES = {
    "greeting": {
        "en": "Thank you for calling. Please hold: the next expert will take your call.",
        "sw": "Asante kwa kupiga simu. Tafadhali subiri: mtaalamu atakayefuata atakupokea.",
    },
    "renew": {
        "en": "Your subscription has lapsed. To renew it, dial {code}. Goodbye.",
        "sw": "Usajili wako umeisha. Ili kuufanya upya, piga {code}. Kwaheri.",
    },
    "offered": {
        "en": "Welcome. We have sent you an SMS: dial {code} to register, then call again.",
        "sw": "Karibu. Tumekutumia SMS: piga {code} ujisajili, kisha upige simu tena.",
    },
    "offer_sms": {
        "en": "Thank you for calling. Dial {code} to register, then call us again to talk to "
        "an expert.",
        "sw": "Asante kwa kupiga simu. Piga {code} ujisajili, kisha utupigie tena uzungumze na "
        "mtaalamu.",
    },
    "no_queue": {
        "en": "Sorry, this number is not in service. Goodbye.",
        "sw": "Samahani, nambari hii haitumiki. Kwaheri.",
    },
}


@dataclass(frozen=True)
class Admission:
    """What to do with a call to a queue number (plain data).

    Attributes:
        outcome: "enqueue" (say `message`, then hold music in `queue_name`), "renew" or
            "offer_registration" (say `message` and hang up; for the offer, call
            `offer_registration` first) or "no_such_queue" (say `message`, hang up).
        queue_id, queue_name, hold_music_url: the queue (None / "" for "no_such_queue").
        message: what the caller hears, in `language`.
        reason: why, for a bid's reason and logs (no phone numbers in it).
    """

    outcome: str
    queue_id: int | None
    queue_name: str
    hold_music_url: str
    message: str
    language: str
    reason: str


def _text(key: str, language: str) -> tuple[str, str]:
    text, code = in_language(None, language, MESSAGES[key])
    return text.format(code=current_app.config["CALLCENTRE_USSD_CODE"]), code


def admit_caller(
    called: str, caller: str, at: datetime | None = None, language: str | None = None
) -> Admission:
    """Decide whether a caller may queue, and in which queue. Reads only: nothing is stored.

    Args:
        called: the number dialled, E.164.
        caller: the caller's E.164 MSISDN.
        at: the moment of the call (aware; default now), for subscription expiry.
        language: the caller's language when known (else their customer record's, or "en").
    """
    wanted = caller_language(caller, language)
    queues = select(CallQueue).where(CallQueue.number == called)
    best = db.session.scalars(queues.order_by(CallQueue.priority.desc(), CallQueue.id)).first()
    if best is None:
        log.warning("call-centre call to unknown number %s from %s", mask(called), mask(caller))
        return Admission(NO_SUCH_QUEUE, None, "", "", *_text("no_queue", wanted), "no queue")
    status = subscription_status(caller, at)
    if status == ACTIVE:
        greeting, code = in_language(best.greetings, wanted, MESSAGES["greeting"])
        outcome, reason = ENQUEUE, f"active subscriber: queue {best.name}"
    elif status == LAPSED:
        (greeting, code), outcome, reason = _text("renew", wanted), RENEW, "subscription lapsed"
    else:
        (greeting, code), outcome = _text("offered", wanted), OFFER_REGISTRATION
        reason = "never subscribed"
    return Admission(outcome, best.id, best.name, best.hold_music_url, greeting, code, reason)


def offer_registration(
    admission: Admission, caller: str, gateway: str, call_id: str, at: datetime | None = None
) -> bool:
    """Send an unknown caller the SMS that offers registration by USSD, and record the
    offer (one row per call; one SMS per caller per day). Commits.

    Args:
        admission: `admit_caller`'s answer, outcome "offer_registration".
        caller: the caller's E.164 MSISDN.
        gateway, call_id: the call (a repeated callback records and sends nothing new).
        at: the moment (aware; default now).

    Returns:
        True when an SMS was queued by this call.
    """
    moment = at or datetime.now(UTC)
    offer_id = insert_ignoring_duplicates(
        RegistrationOffer,
        ["gateway", "call_id"],
        queue_id=admission.queue_id,
        gateway=gateway,
        call_id=call_id,
        msisdn=caller,
        offered_at=moment,
    )
    if offer_id is None:
        return False  # a repeated callback for a call already offered
    message, _code = _text("offer_sms", admission.language)
    outbox_id = queue("sms", caller, {"message": message}, _offer_key(caller, moment.date()))
    if outbox_id is not None:
        offer = update(RegistrationOffer).where(RegistrationOffer.id == offer_id)
        db.session.execute(offer.values(outbox_id=outbox_id))
    log.info(
        "registration offered to %s (SMS %s)", mask(caller), "queued" if outbox_id else "sent today"
    )
    dispatch(commit())
    return outbox_id is not None


def _offer_key(caller: str, day: date) -> str:
    return f"callcentre:offer:{caller}:{day.isoformat()}"
