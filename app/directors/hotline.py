"""HotlineDirector: a call to a volunteer group's number is put through to the volunteers
on shift, or, with nobody on shift, hears the group's greeting and leaves a voicemail.

It bids on the called number, as a menu bids on its definition's addresses, and answers
on the first hop: the voice channel renders the `connect` or `voicemail` it puts in the
prompt (TwiML `<Dial>` / `<Record>`, AT `<Dial>` / `<Record>`).
"""

from sqlalchemy import select

from app.conversation import Connect, Voicemail
from app.directors import Bid, Caller, Director, directors
from app.extensions import db
from app.hotline.routing import DIAL, VOICEMAIL, route_call
from app.hotline.voicemail import open_voicemail
from app.models import VolunteerGroup
from app.prompts import Prompt
from app.sessions.state import InterrogationSession
from app.ussd.request import UssdRequest

HOTLINE_BID = 100


@directors.register("hotline")
class HotlineDirector(Director):
    """Answers calls to every volunteer group's number (voice only)."""

    runs_definitions = False

    def bid(self, request: UssdRequest, caller: Caller) -> Bid:
        if str(getattr(request, "channel", "ussd")) != "voice":
            return Bid(0, "answers calls only")
        group = db.session.scalar(
            select(VolunteerGroup.id).where(VolunteerGroup.number == request.service_code)
        )
        if group is None:
            return Bid(0, "not a hotline number")
        return Bid(HOTLINE_BID, f"hotline group {group}")

    def start(self, session: InterrogationSession, request: UssdRequest) -> Prompt:
        route = route_call(session.service_code, session.msisdn)
        session.language = route.language
        if route.outcome == DIAL:
            connect = Connect(
                numbers=tuple(route.numbers),
                caller_id=route.caller_id,
                sequential=route.dial_mode == "in_order",
                timeout_seconds=route.ring_timeout_seconds,
                voicemail=Voicemail(route.group_id, route.greeting),
            )
            return Prompt("", end=True, language=route.language, connect=connect)
        if route.outcome == VOICEMAIL:
            open_voicemail(session.gateway, session.session_id, route.group_id, session.msisdn)
            voicemail = Voicemail(route.group_id)
            return Prompt(route.greeting, end=True, language=route.language, voicemail=voicemail)
        # NO_SUCH_GROUP: the number was removed since the bid
        return Prompt(route.greeting, end=True, language=route.language)

    def handle(self, session: InterrogationSession, reply: str, nav: object = None) -> Prompt:
        """Nothing follows the first hop: the gateway's own verbs take over."""
        return Prompt("", end=True, language=session.language)

    def reprompt(self, session: InterrogationSession) -> Prompt:
        return self.start(session, None)  # type: ignore[arg-type]
