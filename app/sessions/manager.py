"""SessionManager: one USSD hop from request to screen, under the session's lock.

lock(session) -> load signed state -> replay? -> dispatch (resume offer, auction,
director) -> commit SQL with the hop's outcome -> save state (compare-and-set) -> screen

Once SQL has committed, the reply is what was committed, whatever Redis does afterwards:
the hop's outcome row (app/sessions/outcomes.py) is its truth, and a retry of the hop
answers with it. A hop that fails commits nothing, says so, and is kept as the session's
end, so a replay gets that same answer and never a fresh attempt. Every wait inside a hop
is bounded to fit USSD_HOP_BUDGET_SECONDS (app/settings.py checks the settings fit).
"""

import logging
import time
from dataclasses import dataclass

import redis
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app import outbox
from app.database import read_outside
from app.errors import (
    HopAnswered,
    HopTimeout,
    RateLimitedError,
    SessionBusyError,
    SessionConflictError,
)
from app.extensions import db
from app.i18n import message
from app.metrics import note_hop
from app.models import Customer
from app.phones import mask
from app.sessions import outcomes
from app.sessions.dispatch import Dispatcher
from app.sessions.state import InterrogationSession
from app.sessions.store import Hop, SessionStore
from app.ussd.request import UssdRequest

log = logging.getLogger(__name__)

LOCK_POLL_SECONDS = 0.005
# What a hop that could not run is told, by what stopped it (anything else: "sorry").
_REFUSALS = {
    SessionConflictError: "session_refused",
    RateLimitedError: "slow_down",
    SessionBusyError: "busy",
    redis.RedisError: "busy",
}


@dataclass(frozen=True)
class Screen:
    """One page to send: its text (no CON/END prefix) and whether the session ends."""

    text: str
    end: bool
    prompt: dict | None = None

    @classmethod
    def of(cls, session: InterrogationSession) -> "Screen":
        """The session's last page, and its last prompt as data (for voice)."""
        return cls(session.screen, session.end, session.prompt or None)


class SessionManager:
    """Runs hops for one app (cheap to build: one per request)."""

    def __init__(self, app: Flask) -> None:
        self.config = app.config
        self.store: SessionStore = app.extensions["session_store"]
        self.dispatch = Dispatcher(app)

    def handle(self, request: UssdRequest) -> Screen:
        """Answer one hop.

        Raises:
            SessionConflictError: the session id belongs to another MSISDN or service code.
            SessionBusyError: the lock could not be had in the bounded wait.
            RateLimitedError: the caller started more than USSD_NEW_SESSIONS_PER_MINUTE.
            redis.RedisError: Redis failed before the hop began (the boundary answers).
        """
        hop_key = self.dispatch.digest(request.hop_id)
        hop = self._take(request, hop_key)
        if isinstance(hop, Screen):
            return hop
        limit = self.config["USSD_NEW_SESSIONS_PER_MINUTE"]
        if hop.session is None and limit and hop.started_this_minute > limit:
            self.store.release(request.session_id, hop.token)
            raise RateLimitedError(f"{mask(request.msisdn)} started too many sessions")
        outcomes.start_hop()
        try:
            return self._run(request, hop, hop_key)
        finally:
            outcomes.end_hop()

    def refused(self, request: UssdRequest, err: Exception) -> Screen:
        """The polite END for a hop that could not run, in the caller's language when
        known (the session's, else the customer record's)."""
        key = next((k for kind, k in _REFUSALS.items() if isinstance(err, kind)), "sorry")
        language = getattr(err, "language", None) or self.caller_language(request.msisdn)
        return Screen(message(language, key), True)

    @staticmethod
    def caller_language(msisdn: str) -> str:
        """The customer's language ("en" when unknown or the database cannot say)."""
        try:
            found = read_outside(select(Customer.language).where(Customer.msisdn == msisdn))
        except SQLAlchemyError:
            return "en"
        return found or "en"

    def _take(self, request: UssdRequest, hop_key: str) -> Hop | Screen:
        """Take the session's lock (bounded wait), or the answer a replay gets."""
        deadline = time.monotonic() + self.store.lock_wait_seconds
        while True:
            hop = self.store.begin(request.session_id, request.msisdn, request.service_code)
            session = hop.session
            if session is not None and (hop_key == session.last_hop_id or session.end):
                if hop.locked:  # a repeated callback: nothing re-runs
                    self.store.release(request.session_id, hop.token)
                return Screen.of(session)
            if hop.locked:
                return hop
            if time.monotonic() > deadline:
                stored = self._stored(request, hop_key)  # a hop whose state save was lost
                if stored is not None:
                    return Screen.of(stored)
                language = session.language if session else None
                raise SessionBusyError(f"session {request.session_id} is busy", language)
            time.sleep(LOCK_POLL_SECONDS)

    def _run(self, request: UssdRequest, hop: Hop, hop_key: str) -> Screen:
        """Run the hop: commit its SQL with its outcome, then keep the state. A failure
        commits nothing and answers with what is known (see `_recover`)."""
        started, session = time.monotonic(), hop.session
        try:
            if session is None:
                session = self.dispatch.create(request)
                prompt, page = self.dispatch.begin(session, request, hop.resume_id), 0
            else:
                prompt, page = self.dispatch.step(session, request)
            self.dispatch.lay_out(session, request, prompt, page)
            if time.monotonic() - started > self.config["USSD_HOP_BUDGET_SECONDS"]:
                # The lock's TTL is sized for a hop within budget: past it, commit nothing.
                raise HopTimeout(f"session {request.session_id}: past the hop budget")
            if outcomes.wrote() and not outcomes.record(
                session.session_id, hop_key, session.to_state()
            ):
                raise HopAnswered(f"session {request.session_id}: an earlier try committed")
            deliveries = outbox.commit()
        except Exception as err:
            db.session.rollback()
            outbox.discard_queued()
            return self._recover(request, hop, hop_key, err)
        self._keep(session, hop.token)
        outbox.dispatch(deliveries)
        note_hop(director=session.director or "none")
        return Screen.of(session)

    def _recover(self, request: UssdRequest, hop: Hop, hop_key: str, err: Exception) -> Screen:
        """After a failed try: the outcome an earlier try committed, else this failure,
        kept as the session's end (resumable from where it stood before this hop)."""
        if isinstance(err, HopAnswered | HopTimeout):
            log.warning("%s", err)
        else:
            log.exception("session %s: hop failed", request.session_id)
        language = hop.session.language if hop.session else self.caller_language(request.msisdn)
        try:
            stored = outcomes.find(request.session_id, hop_key)
        except SQLAlchemyError as lookup:
            # Whether an earlier try committed is unknown: claim nothing, keep nothing.
            log.warning("session %s: outcome unknown (%s)", request.session_id, lookup)
            self._release(request.session_id, hop.token)
            return Screen(message(language, "busy"), True)
        if stored is not None:
            kept = InterrogationSession.from_state(stored)
        else:
            kept = self._failed(request, language)
        self._keep(kept, hop.token)
        return Screen.of(kept)

    def _failed(self, request: UssdRequest, language: str) -> InterrogationSession:
        """The session as it stood before the failed hop, ended: "nothing was changed"."""
        try:
            failed = self.store.load(request.session_id, request.msisdn, request.service_code)
        except (redis.RedisError, SessionConflictError):
            failed = None
        failed = failed or self.dispatch.bare(request)
        failed.screens, failed.page = [message(language, "sorry")], 0
        failed.final = failed.end = failed.failed = True
        failed.last_hop_id = self.dispatch.digest(request.hop_id)
        failed.last_hop_len = len(request.hop_id)
        return failed

    def _keep(self, session: InterrogationSession, token: str) -> None:
        """Save the state (compare-and-set) and release the lock. The answer stands even
        when Redis fails: SQL already holds what was committed."""
        try:
            self.store.save(session, token)
        except (redis.RedisError, SessionBusyError) as err:
            log.warning("session %s: state not saved (%s)", session.session_id, err)

    def _release(self, session_id: str, token: str) -> None:
        try:
            self.store.release(session_id, token)
        except redis.RedisError as err:
            log.warning("session %s: lock not released (%s)", session_id, err)

    def _stored(self, request: UssdRequest, hop_key: str) -> InterrogationSession | None:
        try:
            stored = outcomes.find(request.session_id, hop_key)
        except SQLAlchemyError:
            return None
        return InterrogationSession.from_state(stored) if stored is not None else None
