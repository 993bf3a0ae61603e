"""UssdRequest: one gateway callback, normalised, so nothing above the adapters knows
which gateway sent it."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class UssdRequest:
    """One hop of a USSD session.

    Attributes:
        gateway: adapter name ("africastalking", "hubtel").
        session_id: the gateway's session id.
        msisdn: the caller, E.164.
        service_code: the base code dialled, e.g. "*384*1#".
        network_code: MCC+MNC, e.g. "63902" ("" when the gateway does not say).
        hop_id: identity of this hop, for replay: AT sends the whole path (`text`); a
            per-hop gateway sends a sequence number.
        text: accumulated gateways: every reply so far joined by "*" ("" on the first hop).
        reply: per-hop gateways: this hop's reply (None for accumulated gateways).
        is_initiation: the gateway marks this unmistakably as a session's first hop, so
            deep-dial segments may be taken as the first answers.
        dialled_extra: deep-dial segments typed after the service code (`*384*1*2#` -> ["2"]).
    """

    gateway: str
    session_id: str
    msisdn: str
    service_code: str
    network_code: str
    hop_id: str
    text: str = ""
    reply: str | None = None
    is_initiation: bool = False
    dialled_extra: tuple[str, ...] = ()

    @property
    def dialled(self) -> str:
        """The full dial string including deep-dial segments: "*384*1*2#"."""
        if not self.dialled_extra:
            return self.service_code
        return self.service_code[:-1] + "*" + "*".join(self.dialled_extra) + "#"


class DialMatch(NamedTuple):
    """A service code a dial string reaches, and the deep-dial answers typed after it."""

    code: str
    answers: tuple[str, ...]


def match_code(codes: Iterable[str], dialled: str) -> DialMatch | None:
    """Which of `codes` the full dial string reaches, the longest first.

    Every bid and the CLI use this on the whole dial string, so a code reaches the same
    definition however the gateway split it (AT may send `*384*1#` as `serviceCode=*384#`
    and `text=1`; Hubtel sends it whole in `Message`).

    Returns:
        `("*384*1#", ())` for an exact dial, `("*384*1#", ("2",))` for `*384*1*2#` when
        `*384*1*2#` itself is not among `codes`; None when no code is reached.
    """
    for code in sorted(codes, key=len, reverse=True):
        if dialled == code:
            return DialMatch(code, ())
        if dialled.startswith(code[:-1] + "*") and dialled.endswith("#"):
            return DialMatch(code, tuple(dialled[len(code) : -1].split("*")))
    return None
