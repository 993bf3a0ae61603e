"""InterrogationSession: one caller's place in a USSD session, as plain data only."""

import time
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

STATE_FORMAT = 1


@dataclass
class InterrogationSession:
    """Everything a hop needs to carry on where the last one stopped.

    Every field is plain data (str, int, float, bool, None, list, dict), so `to_state()`
    pickles without globals and `from_state()` never builds an object from Redis bytes.

    Attributes:
        session_id: the gateway's session id.
        msisdn: the caller, E.164 with "+".
        service_code: the dialled code, e.g. "*384*1#".
        network_code: the gateway's MCC+MNC, e.g. "63902".
        gateway: adapter name, e.g. "africastalking".
        director: name of the director that won the bid ("" before the auction, and
            after a director handed the caller back for another auction).
        entry_code: the service code the running definition answered, without deep-dial
            answers (the auction after a hand-back is held on it).
        definition_id / definition_version: the YAML definition and its content hash.
        state: the current question id.
        answers: question id -> accepted answer (plain data).
        back_stack: question ids of the screens answered, newest last.
        language: the caller's language code.
        customer: a snapshot of the caller's customer record (None when unknown).
        scratch: per-question working data of interrogators (e.g. a PIN's first entry hash).
        last_hop_id: keyed digest of the last hop's identity (AT: the whole `text`, which
            holds every reply, PINs included, so it is never stored as it came).
        last_hop_len: length of that identity, to find where the next reply starts.
        screens / page: the pages of the last prompt and which one was shown.
        final: the last prompt ends the session once its last page is shown.
        end: True once an END was sent.
        failed: the session ended because a hop failed (nothing of that hop was kept); it
            may be resumed from where it stood before that hop.
        version: incremented on every save; the store refuses a stale write.
        hops: hops answered so far; started_at: epoch seconds.
        resume_from: set while "Continue / Start again" is on screen.
        run_id: the SQL record this session writes its answers to (surveys), if any.
        asked_at: epoch seconds when the current question was put on screen.
    """

    session_id: str
    msisdn: str
    service_code: str
    network_code: str = ""
    gateway: str = "africastalking"
    director: str = ""
    entry_code: str = ""
    definition_id: str = ""
    definition_version: str = ""
    state: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    back_stack: list[str] = field(default_factory=list)
    language: str = "en"
    customer: dict[str, Any] | None = None
    scratch: dict[str, Any] = field(default_factory=dict)
    last_hop_id: str = ""
    last_hop_len: int = 0
    screens: list[str] = field(default_factory=list)
    page: int = 0
    final: bool = False
    end: bool = False
    failed: bool = False
    version: int = 0
    hops: int = 0
    started_at: float = field(default_factory=time.time)
    resume_from: str = ""
    run_id: int | None = None
    asked_at: float = 0.0

    def to_state(self) -> dict[str, Any]:
        """The session as a dict of plain data, tagged with the state format (a shallow
        copy: the values are plain data already, and pickle walks them)."""
        return {"format": STATE_FORMAT, **{name: getattr(self, name) for name in _FIELDS}}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> "InterrogationSession":
        """Rebuild from `to_state()` output.

        A state saved before a field with a default was added gets that default.

        Raises:
            ValueError: unknown format, unknown fields, or required fields missing.
        """
        if state.get("format") != STATE_FORMAT:
            raise ValueError(f"unknown session state format {state.get('format')!r}")
        data = {key: value for key, value in state.items() if key != "format"}
        if not data.keys() <= _FIELDS or not _REQUIRED <= data.keys():
            raise ValueError("session state fields do not match")
        return cls(**data)

    @property
    def resumable(self) -> bool:
        """A dropped caller may continue it: something was answered in its flow, and it
        did not end (unless a failed hop ended it)."""
        return bool(self.back_stack) and (not self.end or self.failed)

    def leave_flow(self) -> None:
        """Forget the flow the caller was in (its director handed the caller back)."""
        for name in FLOW_FIELDS:
            setattr(self, name, _DEFAULTS[name]())

    @property
    def screen(self) -> str:
        """The page last shown."""
        return self.screens[self.page] if self.screens else ""


_FIELDS = frozenset(f.name for f in fields(InterrogationSession))
_REQUIRED = frozenset(
    f.name
    for f in fields(InterrogationSession)
    if f.default is MISSING and f.default_factory is MISSING
)
_DEFAULTS = {
    f.name: (f.default_factory if f.default_factory is not MISSING else lambda f=f: f.default)
    for f in fields(InterrogationSession)
}
# What a director's flow keeps in the session (the rest is the caller's and the hop's).
FLOW_FIELDS = (
    "director",
    "entry_code",
    "definition_id",
    "definition_version",
    "state",
    "answers",
    "back_stack",
    "scratch",
    "run_id",
)
