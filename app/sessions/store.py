"""SessionStore: the signed, plain-data pickle of each USSD session in Redis.

Layout (every key with a TTL). Keys are hash-tagged: a session's keys share the slot of
`{<session_id>}`, a caller's keys the slot of `{<msisdn>}`, so each script touches one
slot and the store runs on Redis Cluster as on one Redis:
    sauti:{<session_id>}:session    v=version  m=MSISDN  c=service code  p=pickle  s=signature
    sauti:{<session_id>}:lock       the per-session hop lock (TTL, bounded wait)
    sauti:{<msisdn>}:resume:<service_code>  id of the caller's last unfinished session
    sauti:{<msisdn>}:started        sessions the caller started this minute (rate limit)

The signature is HMAC-SHA256 (itsdangerous) over the session id, the MSISDN and the
payload, keyed by SESSION_SIGNING_KEY; it is checked before unpickling, and the unpickler
refuses every global, so Redis bytes can never build an object or run code.
"""

import hashlib
import io
import logging

# Signed bytes only, and _PlainUnpickler refuses every global (bandit B403).
import pickle  # nosec B403
import secrets
from dataclasses import dataclass

import redis
from itsdangerous import Signer

from app.errors import SessionBusyError, SessionConflictError
from app.phones import mask
from app.sessions.state import InterrogationSession

security_log = logging.getLogger("sauti.security")

# A hop costs two round trips: BEGIN takes the session's lock (if free) and reads its state
# in one step; SAVE writes the state only if nobody wrote a newer version (compare-and-set)
# and releases the lock if this hop still holds it, pipelined with RESUME, which keeps or
# clears the caller's resume pointer (another slot, so another script).
# A hop that finds no state starts a session: CALLER then reads the caller's resume pointer
# and counts the caller's new sessions this minute (per-MSISDN limit), one more round trip
# on a session's first hop only.
_BEGIN = """
local got = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
local f = redis.call('HMGET', KEYS[2], 'm', 'c', 'p', 's')
return {got and 1 or 0, f[1], f[2], f[3], f[4]}
"""
_CALLER = """
local resume = redis.call('GET', KEYS[1])
local started = 0
if ARGV[1] == '1' then
  started = redis.call('INCR', KEYS[2])
  if started == 1 then redis.call('EXPIRE', KEYS[2], 60) end
end
return {resume, started}
"""
_SAVE = """
local current = redis.call('HGET', KEYS[1], 'v')
local fresh = (current or '0') == ARGV[1]
if fresh then
  redis.call('HSET', KEYS[1], 'v', ARGV[2], 'p', ARGV[3], 's', ARGV[4], 'm', ARGV[5], 'c', ARGV[6])
  redis.call('EXPIRE', KEYS[1], ARGV[7])
end
if redis.call('GET', KEYS[2]) == ARGV[8] then redis.call('DEL', KEYS[2]) end
return fresh and 1 or 0
"""
# A stale pointer is harmless: `resumable()` checks the session it names before use.
_RESUME = """
if ARGV[1] == 'keep' then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
elseif redis.call('GET', KEYS[1]) == ARGV[2] then
  redis.call('DEL', KEYS[1])
end
return 1
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


_SAVE_SHA = hashlib.sha1(_SAVE.encode()).hexdigest()  # noqa: S324  # nosec B324 - Redis names scripts by SHA-1
_RESUME_SHA = hashlib.sha1(_RESUME.encode()).hexdigest()  # noqa: S324  # nosec B324


@dataclass
class Hop:
    """What BEGIN found: whether this hop holds the lock, the session (if any), the lock
    token, the id of the caller's resumable session and, when this hop starts a session,
    how many sessions the caller has started this minute (this one included)."""

    locked: bool
    session: InterrogationSession | None
    token: str
    resume_id: str | None
    started_this_minute: int


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
        self._begin = client.register_script(_BEGIN)
        self._caller = client.register_script(_CALLER)
        self._release = client.register_script(_RELEASE)

    @staticmethod
    def key(session_id: str) -> str:
        return f"sauti:{{{session_id}}}:session"

    @staticmethod
    def lock_key(session_id: str) -> str:
        return f"sauti:{{{session_id}}}:lock"

    @staticmethod
    def resume_key(msisdn: str, service_code: str) -> str:
        return f"sauti:{{{msisdn}}}:resume:{service_code}"

    @staticmethod
    def started_key(msisdn: str) -> str:
        return f"sauti:{{{msisdn}}}:started"

    def _signed(self, session_id: str, msisdn: str, payload: bytes) -> bytes:
        return b"\0".join((session_id.encode(), msisdn.encode(), payload))

    def begin(self, session_id: str, msisdn: str, service_code: str) -> Hop:
        """Try to take the session's lock and read its state, in one round trip.

        Raises:
            SessionConflictError: the session id is stored for another MSISDN or service code.
            redis.RedisError: Redis is unreachable (the boundary answers politely).
        """
        token = secrets.token_hex(8)
        got, *fields = self._begin(
            keys=[self.lock_key(session_id), self.key(session_id)],
            args=[token, int(self.lock_ttl_seconds * 1000)],
        )
        resume, started = None, 0
        if fields[2] is None:  # no state: a new session
            resume, started = self._caller(
                keys=[self.resume_key(msisdn, service_code), self.started_key(msisdn)],
                args=["1" if got else "0"],
            )
        try:
            session = self._checked(session_id, msisdn, service_code, fields)
        except SessionConflictError:
            if got:
                self.release(session_id, token)
            raise
        return Hop(bool(got), session, token, resume.decode() if resume else None, started)

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
        return self._checked(session_id, msisdn, service_code, fields)

    def _checked(
        self, session_id: str, msisdn: str, service_code: str | None, fields: list
    ) -> InterrogationSession | None:
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

    # `token` is the hop lock's random value, not a password (bandit B107).
    def save(self, session: InterrogationSession, token: str = "") -> None:  # nosec B107
        """Write the session if nobody wrote a newer version meanwhile, and release the
        hop lock held with `token`.

        Raises:
            SessionBusyError: the stored version moved on (a late writer lost the race).
        """
        expected = session.version
        session.version += 1
        payload = pickle.dumps(session.to_state(), protocol=pickle.HIGHEST_PROTOCOL)
        signature = self._signer.get_signature(
            self._signed(session.session_id, session.msisdn, payload)
        )
        saved = self._save_and_resume(
            [self.key(session.session_id), self.lock_key(session.session_id)],
            [
                expected,
                session.version,
                payload,
                signature,
                session.msisdn,
                session.service_code,
                self.ttl_seconds,
                token,
            ],
            [self.resume_key(session.msisdn, session.service_code)],
            ["keep" if session.resumable else "clear", session.session_id, self.ttl_seconds],
        )
        if not saved:
            session.version = expected
            raise SessionBusyError(f"session {session.session_id} was saved by a newer hop")

    def _save_and_resume(
        self, save_keys: list, save_args: list, resume_keys: list, resume_args: list
    ) -> int:
        """SAVE then RESUME in one round trip, by EVALSHA: a pipeline of registered scripts
        would ask SCRIPT EXISTS first, a second round trip on every hop. Redis forgets all
        its scripts at once (restart, SCRIPT FLUSH), so on NOSCRIPT neither had run: both
        are loaded and the pair is sent again."""

        def send() -> int:
            pipe = self.client.pipeline(transaction=False)
            pipe.evalsha(_SAVE_SHA, len(save_keys), *save_keys, *save_args)
            pipe.evalsha(_RESUME_SHA, len(resume_keys), *resume_keys, *resume_args)
            saved, _ = pipe.execute()
            return saved

        try:
            return send()
        except redis.exceptions.NoScriptError:
            self.client.script_load(_SAVE)
            self.client.script_load(_RESUME)
            return send()

    def resumable(
        self, session_id: str, msisdn: str, service_code: str
    ) -> InterrogationSession | None:
        """The dropped session `session_id` (from a resume pointer), if it can be resumed."""
        try:
            session = self.load(session_id, msisdn, service_code)
        except SessionConflictError:
            return None
        return session if session and session.resumable else None

    def forget_resume(self, msisdn: str, service_code: str) -> None:
        """Drop the resume pointer (the caller chose "Start again")."""
        self.client.delete(self.resume_key(msisdn, service_code))

    def release(self, session_id: str, token: str) -> None:
        """Release the hop lock if `token` still holds it (after a failed hop)."""
        self._release(keys=[self.lock_key(session_id)], args=[token])
