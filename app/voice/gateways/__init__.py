"""Voice gateway adapters: one module per gateway, each turning a callback's form into a
`CallEvent` (and the caller's keys into an answer) and a Prompt into the gateway's XML."""

from collections.abc import Mapping
from dataclasses import dataclass

from app.errors import GatewayRequestError
from app.phones import InvalidPhoneNumber, to_e164

FINAL_OUTCOMES = ("completed", "busy", "failed", "no-answer", "canceled")


@dataclass(frozen=True, slots=True)
class CallEvent:
    """What one voice callback says about its call.

    Attributes:
        gateway: "twilio" or "africastalking".
        call_id: Twilio `CallSid` / AT `sessionId`.
        direction: "inbound" or "outbound".
        msisdn: the phone user, E.164 (a SIP or client address is kept as sent).
        our_number: our gateway number, E.164.
        status: the gateway's call status, lower-case ("ringing", "in-progress", ...).
        digits: keys pressed (without the finishing `#`); None when none were sent.
        recording_url: a spoken answer's recording, when there is one.
        final: True when the call is over (Twilio final status; AT `isActive=0`).
        duration_seconds, cost, currency, outcome, hangup_cause: on final callbacks.
    """

    gateway: str
    call_id: str
    direction: str
    msisdn: str
    our_number: str
    status: str = ""
    digits: str | None = None
    recording_url: str | None = None
    final: bool = False
    duration_seconds: int | None = None
    cost: str = ""
    currency: str = ""
    outcome: str = ""
    hangup_cause: str = ""


def required(form: Mapping[str, str], name: str) -> str:
    """`form[name]`, or GatewayRequestError naming the missing field."""
    value = form.get(name)
    if not value:
        raise GatewayRequestError(f"missing {name}")
    return value


def number(raw: str) -> str:
    """E.164 for a phone number; a SIP or client address (or an unknown range) as sent."""
    try:
        return to_e164(raw)
    except InvalidPhoneNumber:
        if raw.startswith("+") and raw[1:].isdigit() or "@" in raw or ":" in raw:
            return raw[:40]
        raise GatewayRequestError("not a phone number") from None


def seconds(raw: str | None) -> int | None:
    """A whole number of seconds from a gateway field, or None when absent or unreadable."""
    try:
        return int(float(raw)) if raw not in (None, "", "None") else None
    except ValueError:
        return None
