"""The call-centre queue as the gateways report it: dequeue confirmations and the end of
waits and calls, mirrored into `app.callcentre.queue` (every step idempotent)."""

import logging
from collections.abc import Mapping

from app.callcentre.queue import call_ended, connected
from app.errors import UnknownCallError
from app.phones import mask
from app.voice.gateways import CallEvent

log = logging.getLogger(__name__)


def at_dequeue_confirmed(event: CallEvent, form: Mapping[str, str]) -> bool:
    """Africa's Talking's dequeue confirmation: a request on the waiting caller's call with
    `dequeuedToSessionId` (the agent's call) and `dequeuedToPhoneNumber` (the agent), also
    carried by the caller's final request. Returns True when the request carried one.

    Source: iShamba's call centre ("dequeue confirmation" from the telecoms provider: the
    caller's call, with the session id of the agent's dequeue call).
    """
    agent_call = form.get("dequeuedToSessionId")
    if not agent_call:
        return False
    try:
        connected(event.gateway, event.call_id, agent_call)
    except UnknownCallError:
        log.warning("dequeue confirmation for a call never queued, from %s", mask(event.msisdn))
    return True


def call_over(event: CallEvent) -> None:
    """A call's final status: a waiting caller abandoned, or a connected call ended."""
    if event.final:
        call_ended(event.gateway, event.call_id)
