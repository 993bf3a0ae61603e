"""SessionManager: one USSD hop from request to screen — replay, resume, bidding, dispatch.

lock(session) -> load signed state -> replay? -> new: resume offer or auction
-> director.handle(reply) -> commit SQL -> save state (compare-and-set) -> screen
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from flask import Flask

from app import customers, outbox
from app.directors import Caller, DirectorSet
from app.errors import NoDirectorError, RateLimitedError, SessionBusyError
from app.extensions import db
from app.interrogators.messages import message
from app.phones import mask
from app.prompts import Choice, Prompt
from app.sessions.state import InterrogationSession
from app.sessions.store import SessionStore
from app.ussd.render import paginate
from app.ussd.request import UssdRequest

log = logging.getLogger(__name__)

MORE_KEY, PAGE_BACK_KEY = "98", "0"
LOCK_POLL_SECONDS = 0.005
_RESUMED_FIELDS = (
    "director",
    "definition_id",
    "definition_version",
    "state",
    "answers",
    "back_stack",
    "language",
    "scratch",
    "run_id",
)


class HopConflict(Exception):
    """The callback's input path does not extend the session's last one."""


@dataclass(frozen=True)
class Screen:
    """One page to send: its text (no CON/END prefix) and whether the session ends."""

    text: str
    end: bool


class SessionManager:
    """Runs hops for one app (cheap to build: one per request)."""

    def __init__(self, app: Flask) -> None:
        self.config = app.config
        self.directors: DirectorSet = app.extensions["directors"]
        self.store: SessionStore = app.extensions["session_store"]

    def handle(self, request: UssdRequest) -> Screen:
        """Answer one hop.

        Raises:
            SessionConflictError: the session id belongs to another MSISDN or service code.
            SessionBusyError: the lock could not be had in the bounded wait, or a newer hop
                saved first.
            RateLimitedError: the caller started more than USSD_NEW_SESSIONS_PER_MINUTE.
            redis.RedisError: Redis failed (the boundary answers politely).
        """
        hop_id = self.digest(request.hop_id)
        deadline = time.monotonic() + self.store.lock_wait_seconds
        while True:
            hop = self.store.begin(request.session_id, request.msisdn, request.service_code)
            session = hop.session
            if session is not None and (hop_id == session.last_hop_id or session.end):
                if hop.locked:  # a repeated callback: nothing re-runs
                    self.store.release(request.session_id, hop.token)
                return Screen(session.screen, session.end)
            if hop.locked:
                break
            if time.monotonic() > deadline:
                raise SessionBusyError(f"session {request.session_id} is busy")
            time.sleep(LOCK_POLL_SECONDS)
        limit = self.config["USSD_NEW_SESSIONS_PER_MINUTE"]
        if session is None and limit and hop.started_this_minute > limit:
            self.store.release(request.session_id, hop.token)
            raise RateLimitedError(f"{mask(request.msisdn)} started too many sessions")
        try:
            if session is None:
                session = self._create(request)
                prompt, page = self._begin(session, request, hop.resume_id), 0
            else:
                prompt, page = self._step(session, request)
            return self._save(session, request, prompt, page, hop.token)
        except Exception:
            db.session.rollback()
            outbox.discard_queued()
            self.store.release(request.session_id, hop.token)
            raise

    def _step(
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
        return director.handle(session, reply), 0

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

    def _create(self, request: UssdRequest) -> InterrogationSession:
        customer = customers.find(request.msisdn)
        return InterrogationSession(
            session_id=request.session_id,
            msisdn=request.msisdn,
            service_code=request.service_code,
            network_code=request.network_code,
            gateway=request.gateway,
            customer=customer.snapshot() if customer else None,
            language=customer.language if customer else "en",
        )

    def _begin(
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

    @staticmethod
    def _resume_prompt(language: str, note: str = "") -> Prompt:
        text = message(language, "resume")
        choices = (
            Choice("1", message(language, "continue")),
            Choice("2", message(language, "restart")),
        )
        return Prompt(f"{note}\n{text}" if note else text, choices, language=language)

    def _auction(self, session: InterrogationSession, request: UssdRequest) -> Prompt:
        director = self.directors.auction(request, Caller(session.msisdn, session.customer))
        if director is None:
            log.info("no director for %s on %s", mask(session.msisdn), request.dialled)
            return Prompt(message(session.language, "closed"), end=True)
        session.director = director.key
        return director.start(session, request)

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
                for name in _RESUMED_FIELDS:
                    setattr(session, name, getattr(dropped, name))
                return director.reprompt(session)
        self.store.forget_resume(session.msisdn, session.service_code)
        return self._auction(session, request)

    def _save(
        self,
        session: InterrogationSession,
        request: UssdRequest,
        prompt: Prompt | None,
        page: int,
        token: str,
    ) -> Screen:
        """Commit SQL, then the state (compare-and-set), then hand over the screen."""
        if prompt is not None:
            limit = self.config["USSD_SCREEN_CHARS"].get(
                request.network_code, self.config["USSD_DEFAULT_SCREEN_CHARS"]
            )
            session.screens = paginate(prompt, limit)
            session.final = prompt.end
        session.page = page
        session.end = session.final and page == len(session.screens) - 1
        session.last_hop_id, session.last_hop_len = self.digest(request.hop_id), len(request.hop_id)
        outbox.commit_and_dispatch()
        self.store.save(session, token)
        return Screen(session.screen, session.end)
