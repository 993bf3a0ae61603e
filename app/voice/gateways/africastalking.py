"""Africa's Talking voice callbacks.

Source: Africa's Talking Voice "Call handler": every request carries `isActive`,
`sessionId`, `direction` (Inbound / Outbound), `callerNumber` (the phone user, also on
outbound calls) and `destinationNumber` (our number); GetDigits posts `dtmfDigits`, Record
posts `recordingUrl`; the final request (`isActive=0`) adds `durationInSeconds`,
`currencyCode`, `amount`, `hangupCause` and `callSessionState` / `status`.
"""

from collections.abc import Mapping

from app.voice.gateways import CallEvent, number, required, seconds

NAME = "africastalking"

# hangupCause -> outcome; anything else is "completed" when the call lasted, else "failed".
OUTCOMES = {
    "USER_BUSY": "busy",
    "NO_ANSWER": "no-answer",
    "NO_USER_RESPONSE": "no-answer",
    "CALL_REJECTED": "busy",
    "ORIGINATOR_CANCEL": "canceled",
    "SUBSCRIBER_ABSENT": "no-answer",
    "UNALLOCATED_NUMBER": "failed",
}


def parse(form: Mapping[str, str]) -> CallEvent:
    """An Africa's Talking voice callback as a CallEvent.

    Raises:
        GatewayRequestError: `sessionId`, `callerNumber` or `destinationNumber` is missing.
    """
    final = form.get("isActive", "1") == "0"
    state = form.get("callSessionState") or form.get("status") or ""
    duration = seconds(form.get("durationInSeconds")) if final else None
    cause = form.get("hangupCause", "") if final else ""
    outcome = ""
    if final:
        outcome = OUTCOMES.get(cause) or ("no-answer" if state == "NotAnswered" else "")
        outcome = outcome or ("completed" if duration else "failed")
    return CallEvent(
        gateway=NAME,
        call_id=required(form, "sessionId"),
        direction="outbound" if form.get("direction", "").lower() == "outbound" else "inbound",
        msisdn=number(required(form, "callerNumber")),
        our_number=number(required(form, "destinationNumber")),
        status=state.lower(),
        digits=form.get("dtmfDigits"),
        recording_url=form.get("recordingUrl") or None,
        final=final,
        duration_seconds=duration,
        cost=form.get("amount", "") if final else "",
        currency=form.get("currencyCode", "")[:3] if final else "",
        outcome=outcome,
        hangup_cause=cause[:60],
    )
