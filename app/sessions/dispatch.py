"""Dispatch: what one hop says — the caller's reply, paging, resuming a dropped session,
the directors' auction and hand-overs between directors.

The SessionManager runs this under the session's lock and inside the hop's transaction.
"""

import hashlib
import logging
from dataclasses import replace

from flask import Flask

from app import customers
from app.directors import Caller, DirectorSet
from app.errors import NoDirectorError
from app.interrogators.messages import message
from app.phones import mask
from app.prompts import Choice, Prompt
from app.sessions.state import FLOW_FIELDS, InterrogationSession
from app.sessions.store import SessionStore
from app.ussd.render import paginate
from app.ussd.request import UssdRequest

log = logging.getLogger(__name__)

MORE_KEY, PAGE_BACK_KEY = "98", "0"


class HopConflict(Exception):
    """The callback's input path does not extend the session's last one."""


class Dispatcher:
    """Turns one hop's reply into the next prompt, for one app."""

    def __init__(self, app: Flask) -> None:
        self.config = app.config
        self.directors: DirectorSet = app.extensions["directors"]
        self.store: SessionStore = app.extensions["session_store"]

    def digest(self, hop_id: str) -> str:
        """A keyed digest of a hop's identity (it may hold a PIN: never stored as is)."""
        key = self.config["SESSION_SIGNING_KEY"].encode()[:64]
        return hashlib.blake2b(hop_id.encode(), key=key, digest_size=16).hexdigest()

    def reply(self, request: UssdRequest, session: InterrogationSession) -> str:
        """This hop's reply. On accumulating gateways it is what follows the previous
        hop's text, so a `*` typed inside a reply and repeated replies stay intact.

        Raises:
            HopConflict: the path does not extend the previous hop's.
        """
        if request.reply is not None:
            return request.reply
        text, known = request.text, session.last_hop_len
        if known == 0 and session.last_hop_id == self.digest(""):
            return text
        if text[known : known + 1] == "*" and self.digest(text[:known]) == session.last_hop_id:
            return text[known + 1 :]
        raise HopConflict(f"path does not extend the previous hop ({len(text)} chars)")

    @staticmethod
    def bare(request: UssdRequest) -> InterrogationSession:
        """A session for `request` that knows nothing of the caller yet."""
        return InterrogationSession(
            session_id=request.session_id,
            msisdn=request.msisdn,
            service_code=request.service_code,
            network_code=request.network_code,
            gateway=request.gateway,
        )

    def create(self, request: UssdRequest) -> InterrogationSession:
        """A new session, with the caller's customer record and language."""
        session = self.bare(request)
        customer = customers.find(request.msisdn)
        if customer is not None:
            session.customer, session.language = customer.snapshot(), customer.language
        return session

    def begin(
        self, session: InterrogationSession, request: UssdRequest, resume_id: str | None
    ) -> Prompt:
        """First hop: offer to resume a dropped session, else hold the auction."""
        dropped = resume_id and self.store.resumable(
            resume_id, request.msisdn, request.service_code
        )
        if dropped and dropped.session_id != session.session_id:
            session.resume_from = dropped.session_id
            session.language = dropped.language
            return self._resume_prompt(session.language)
        return self._auction(session, request)

    def step(
        self, session: InterrogationSession, request: UssdRequest
    ) -> tuple[Prompt | None, int]:
        """A later hop: the next prompt (None when only the page changes) and its page."""
        try:
            reply = self.reply(request, session)
        except HopConflict:
            log.warning("session %s: input path does not extend the last hop", session.session_id)
            return None, session.page
        session.hops += 1
        if reply == MORE_KEY and session.page + 1 < len(session.screens):
            return None, session.page + 1
        if reply == PAGE_BACK_KEY and session.page > 0:
            return None, session.page - 1
        if session.resume_from:
            return self._resume_choice(session, request, reply), 0
        director = self.directors.get(session.director)
        if director is None:
            raise NoDirectorError(f"director {session.director!r} is gone")
        prompt = director.handle(session, reply)
        if not session.director:  # the director is done with the caller: who is next?
            prompt = self._hand_over(session, request, prompt)
        return prompt, 0

    def lay_out(
        self,
        session: InterrogationSession,
        request: UssdRequest,
        prompt: Prompt | None,
        page: int,
    ) -> None:
        """Put the prompt's pages and this hop's identity in the session."""
        if prompt is not None:
            limit = self.config["USSD_SCREEN_CHARS"].get(
                request.network_code, self.config["USSD_DEFAULT_SCREEN_CHARS"]
            )
            session.screens = paginate(prompt, limit)
            session.final = prompt.end
        session.page = page
        session.end = session.final and page == len(session.screens) - 1
        session.last_hop_id, session.last_hop_len = self.digest(request.hop_id), len(request.hop_id)

    @staticmethod
    def _resume_prompt(language: str, note: str = "") -> Prompt:
        text = message(language, "resume")
        choices = (
            Choice("1", message(language, "continue")),
            Choice("2", message(language, "restart")),
        )
        return Prompt(f"{note}\n{text}" if note else text, choices, language=language)

    def _auction(self, session: InterrogationSession, request: UssdRequest) -> Prompt:
        caller = Caller(session.msisdn, session.customer)
        director, notice = self.directors.auction(request, caller)
        if director is None:
            log.info("no director for %s on %s", mask(session.msisdn), request.service_code)
            return Prompt(message(session.language, notice), end=True)
        session.director = director.key
        return director.start(session, request)

    def _hand_over(
        self, session: InterrogationSession, request: UssdRequest, said: Prompt
    ) -> Prompt:
        """A director handed the caller back (e.g. registration done): hold the auction
        again on the code its definition answered, and show the winner's first screen
        below what the last director said."""
        entry = replace(
            request,
            service_code=session.entry_code or session.service_code,
            dialled_extra=(),
            is_initiation=False,
        )
        session.leave_flow()
        prompt = self._auction(session, entry)
        if not session.director:
            return replace(said, end=True)
        return replace(prompt, text=f"{said.text}\n{prompt.text}" if said.text else prompt.text)

    def _resume_choice(
        self, session: InterrogationSession, request: UssdRequest, reply: str
    ) -> Prompt:
        """ "1" carries on with the dropped session's state; "2" starts afresh."""
        if reply not in {"1", "2"}:
            return self._resume_prompt(session.language, message(session.language, "choose"))
        dropped_id, session.resume_from = session.resume_from, ""
        if reply == "1":
            dropped = self.store.load(dropped_id, session.msisdn, session.service_code)
            director = self.directors.get(dropped.director) if dropped else None
            if dropped is not None and director is not None:
                for name in (*FLOW_FIELDS, "language"):
                    setattr(session, name, getattr(dropped, name))
                return director.reprompt(session)
        self.store.forget_resume(session.msisdn, session.service_code)
        return self._auction(session, request)
