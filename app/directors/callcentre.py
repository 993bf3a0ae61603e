"""Call-centre directors: callers to a queue's number wait for an expert with hold music
(`CallCentreDirector`, as iShamba admitted them: subscribers queue, lapsed callers hear how
to renew, unknown callers are offered registration by SMS); agents calling its dequeue
number take the longest-waiting caller (`AgentDirector`).

Both bid on the called number and answer on the first hop; the voice channel renders the
`queue` they put in the prompt (AT `<Enqueue>` / `<Dequeue>`, Twilio `<Enqueue>` /
`<Dial><Queue>`).
"""

from sqlalchemy import select

from app.callcentre.admission import ENQUEUE, OFFER_REGISTRATION, admit_caller, offer_registration
from app.callcentre.queue import CONNECT, dequeue, enqueue
from app.conversation import Queue
from app.directors import Bid, Caller, Director, directors
from app.extensions import db
from app.models import CallQueue
from app.prompts import Prompt
from app.sessions.state import InterrogationSession
from app.ussd.request import UssdRequest

CALLCENTRE_BID = 100


def _voice(request: UssdRequest) -> bool:
    return str(getattr(request, "channel", "ussd")) == "voice"


class _FirstHopOnly(Director):
    runs_definitions = False

    def handle(self, session: InterrogationSession, reply: str, nav: object = None) -> Prompt:
        """Nothing follows the first hop: the gateway's queue takes over."""
        return Prompt("", end=True, language=session.language)

    def reprompt(self, session: InterrogationSession) -> Prompt:
        return self.start(session, None)  # type: ignore[arg-type]


@directors.register("callcentre")
class CallCentreDirector(_FirstHopOnly):
    """Answers calls to every queue's number (voice only)."""

    def bid(self, request: UssdRequest, caller: Caller) -> Bid:
        if not _voice(request):
            return Bid(0, "answers calls only")
        name = db.session.scalar(
            select(CallQueue.name).where(CallQueue.number == request.service_code).limit(1)
        )
        return Bid(CALLCENTRE_BID, f"call-centre queue {name}") if name else Bid(0, "no queue")

    def start(self, session: InterrogationSession, request: UssdRequest) -> Prompt:
        admission = admit_caller(session.service_code, session.msisdn)
        session.language = admission.language
        if admission.outcome == ENQUEUE:
            enqueue(admission.queue_id, session.msisdn, session.gateway, session.session_id)
            queue = Queue(admission.queue_name, session.service_code, admission.hold_music_url)
            return Prompt(admission.message, end=True, language=admission.language, queue=queue)
        if admission.outcome == OFFER_REGISTRATION:
            offer_registration(admission, session.msisdn, session.gateway, session.session_id)
        return Prompt(admission.message, end=True, language=admission.language)


@directors.register("callcentre_agent")
class AgentDirector(_FirstHopOnly):
    """Answers agents' calls to every queue's dequeue number (voice only)."""

    def bid(self, request: UssdRequest, caller: Caller) -> Bid:
        if not _voice(request):
            return Bid(0, "answers calls only")
        name = db.session.scalar(
            select(CallQueue.name).where(CallQueue.dequeue_number == request.service_code).limit(1)
        )
        return Bid(CALLCENTRE_BID, f"dequeue number of {name}") if name else Bid(0, "no queue")

    def start(self, session: InterrogationSession, request: UssdRequest) -> Prompt:
        taken = dequeue(session.service_code, session.msisdn, session.gateway, session.session_id)
        if taken.outcome != CONNECT:
            return Prompt(taken.message, end=True)
        queue = Queue(taken.queue_name, taken.queue_number, take=True)
        return Prompt("", end=True, queue=queue)
