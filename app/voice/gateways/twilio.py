"""Twilio Programmable Voice callbacks.

Source: Twilio "TwiML voice: Twilio's request" (`CallSid`, `From`, `To`, `Direction`
inbound / outbound-api / outbound-dial, `CallStatus`, `Digits` after a Gather,
`RecordingUrl` after a Record) and status callbacks (`CallStatus` completed / busy /
failed / no-answer / canceled, `CallDuration` in seconds).
"""

from collections.abc import Mapping

from app.voice.gateways import FINAL_OUTCOMES, CallEvent, number, required, seconds

NAME = "twilio"


def parse(form: Mapping[str, str]) -> CallEvent:
    """A Twilio voice or status callback as a CallEvent.

    Raises:
        GatewayRequestError: `CallSid`, `From` or `To` is missing, or a number is garbage.
    """
    call_id = required(form, "CallSid")
    outbound = form.get("Direction", "inbound").startswith("outbound")
    caller, called = number(required(form, "From")), number(required(form, "To"))
    status = form.get("CallStatus", "").lower()
    final = status in FINAL_OUTCOMES
    return CallEvent(
        gateway=NAME,
        call_id=call_id,
        direction="outbound" if outbound else "inbound",
        msisdn=called if outbound else caller,
        our_number=caller if outbound else called,
        status=status,
        digits=form.get("Digits"),
        recording_url=form.get("RecordingUrl") or None,
        final=final,
        duration_seconds=seconds(form.get("CallDuration")) if final else None,
        cost=(form.get("Price") or "").lstrip("-") if final else "",
        currency=(form.get("PriceUnit") or "")[:3] if final else "",
        outcome=status if final else "",
    )
