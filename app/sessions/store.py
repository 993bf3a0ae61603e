"""SessionStore: the signed, plain-data pickle of each USSD session in Redis.

Layout (one Redis hash per session, always with a TTL):
    sauti:session:<session_id>  v=version  m=MSISDN  c=service code  p=pickle  s=signature
    sauti:lock:<session_id>     the per-session hop lock (TTL, bounded wait)
    sauti:resume:<msisdn>:<service_code>  id of the caller's last unfinished session

The signature is HMAC-SHA256 (itsdangerous) over the session id, the MSISDN and the
payload, keyed by SESSION_SIGNING_KEY; it is checked before unpickling, and the unpickler
refuses every global, so Redis bytes can never build an object or run code.
"""

import hashlib
import io
import logging
import pickle
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from itsdangerous import Signer

from app.errors import SessionBusyError, SessionConflictError
from app.phones import mask
from app.sessions.state import InterrogationSession

log = logging.getLogger(__name__)
security_log = logging.getLogger("sauti.security")

# Compare-and-set save: refuse a writer whose expected version is stale, then keep (or
# clear) the caller's resume pointer in the same atomic step.
_SAVE = """
local current = redis.call('HGET', KEYS[1], 'v')
if (current or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'p', ARGV[3], 's', ARGV[4], 'm', ARGV[5], 'c', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[7])
if ARGV[8] == 'keep' then
  redis.call('SET', KEYS[2], ARGV[9], 'EX', ARGV[7])
elseif redis.call('GET', KEYS[2]) == ARGV[9] then
  redis.call('DEL', KEYS[2])
end
return 1
"""


class _PlainUnpickler(pickle.Unpickler):
    """Builds only dicts, lists, strings and numbers: every global is refused."""

    def find_class(self, module: str, name: str):  # noqa: ANN201 - signature fixed by pickle
        raise pickle.UnpicklingError(f"global {module}.{name} refused")


class SessionStore:
    """Load, lock and save InterrogationSessions.

    Args:
        client: a redis.Redis (or fakeredis) with bytes responses.
        signing_key: SESSION_SIGNING_KEY.
        ttl_seconds: lifetime of a saved state (and of the resume pointer).
        lock_ttl_seconds / lock_wait_seconds: the hop lock's TTL and bounded wait.
    """

    def __init__(
        self,
        client: redis.Redis,
        signing_key: str,
        ttl_seconds: int,
        lock_ttl_seconds: float,
        lock_wait_seconds: float,
    ) -> None:
        self.client = client
        self.ttl_seconds = ttl_seconds
        self.lock_ttl_seconds = lock_ttl_seconds
        self.lock_wait_seconds = lock_wait_seconds
        self._signer = Signer(
            signing_key, salt="sauti.session", digest_method=hashlib.sha256, key_derivation="hmac"
        )
        self._save = client.register_script(_SAVE)

    @staticmethod
    def key(session_id: str) -> str:
        return f"sauti:session:{session_id}"

    @staticmethod
    def resume_key(msisdn: str, service_code: str) -> str:
        return f"sauti:resume:{msisdn}:{service_code}"

    def _signed(self, session_id: str, msisdn: str, payload: bytes) -> bytes:
        return b"\0".join((session_id.encode(), msisdn.encode(), payload))

    def load(
        self, session_id: str, msisdn: str, service_code: str | None = None
    ) -> InterrogationSession | None:
        """The session's state, or None when absent, expired, tampered or unreadable (an
        unusable state is deleted and logged on the `sauti.security` logger).

        Raises:
            SessionConflictError: the session id is stored for another MSISDN or service code.
            redis.RedisError: Redis is unreachable (the boundary answers politely).
        """
        fields = self.client.hmget(self.key(session_id), "m", "c", "p", "s")
        stored_msisdn, stored_code, payload, signature = fields
        if payload is None:
            return None
        if stored_msisdn is not None and stored_msisdn.decode() != msisdn:
            security_log.warning(
                "session %s arrived from %s but belongs to %s",
                session_id,
                mask(msisdn),
                mask(stored_msisdn.decode()),
            )
            raise SessionConflictError("this session belongs to another phone number")
        if service_code and stored_code is not None and stored_code.decode() != service_code:
            security_log.warning("session %s arrived with another service code", session_id)
            raise SessionConflictError("this session belongs to another service code")
        session = self._verified(session_id, msisdn, payload, signature)
        if session is None:
            # Unusable bytes are dropped so the fresh session's first save (version 0) lands.
            self.client.delete(self.key(session_id))
        return session

    def _verified(
        self, session_id: str, msisdn: str, payload: bytes, signature: bytes | None
    ) -> InterrogationSession | None:
        signed = self._signed(session_id, msisdn, payload)
        if not signature or not self._signer.verify_signature(signed, signature):
            security_log.warning("session %s: bad state signature, starting afresh", session_id)
            return None
        try:
            state = _PlainUnpickler(io.BytesIO(payload)).load()
            session = InterrogationSession.from_state(state)
        except (pickle.UnpicklingError, ValueError, TypeError, EOFError, AttributeError) as err:
            security_log.warning("session %s: unreadable state (%s)", session_id, err)
            return None
        if session.session_id != session_id or session.msisdn != msisdn:
            security_log.warning("session %s: state bound to another session", session_id)
            return None
        return session

    def save(self, session: InterrogationSession) -> None:
        """Write the session if nobody wrote a newer version meanwhile.

        Raises:
            SessionBusyError: the stored version moved on (a late writer lost the race).
        """
        expected = session.version
        session.version += 1
        payload = pickle.dumps(session.to_state(), protocol=pickle.HIGHEST_PROTOCOL)
        signature = self._signer.get_signature(
            self._signed(session.session_id, session.msisdn, payload)
        )
        resumable = session.hops > 0 and not session.end
        saved = self._save(
            keys=[
                self.key(session.session_id),
                self.resume_key(session.msisdn, session.service_code),
            ],
            args=[
                expected,
                session.version,
                payload,
                signature,
                session.msisdn,
                session.service_code,
                self.ttl_seconds,
                "keep" if resumable else "clear",
                session.session_id,
            ],
        )
        if not saved:
            session.version = expected
            raise SessionBusyError(f"session {session.session_id} was saved by a newer hop")

    def resumable(self, msisdn: str, service_code: str) -> InterrogationSession | None:
        """The caller's last unfinished session on this code, if still inside the window."""
        session_id = self.client.get(self.resume_key(msisdn, service_code))
        if session_id is None:
            return None
        try:
            session = self.load(session_id.decode(), msisdn, service_code)
        except SessionConflictError:
            return None
        return session if session and not session.end and session.hops > 0 else None

    def forget_resume(self, msisdn: str, service_code: str) -> None:
        """Drop the resume pointer (the caller chose "Start again")."""
        self.client.delete(self.resume_key(msisdn, service_code))

    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        """Serialise the hops of one session.

        Raises:
            SessionBusyError: another hop held the lock for longer than the bounded wait.
        """
        lock = self.client.lock(
            f"sauti:lock:{session_id}",
            timeout=self.lock_ttl_seconds,
            blocking_timeout=self.lock_wait_seconds,
            sleep=0.005,
        )
        if not lock.acquire():
            raise SessionBusyError(f"session {session_id} is busy")
        try:
            yield
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:
                log.warning("session %s: hop lock expired before release", session_id)
