"""Routing a call to a hotline: who to dial, or the greeting and a voicemail.

The voice layer asks `route_call` once per incoming call and renders the answer (TwiML
`<Dial>` with `<Number>`s, Africa's Talking `<Dial phoneNumbers=… sequential=…>`, or the
greeting then `<Record>`); when nobody answers the dial it plays `route.greeting` and
records, as for "nobody on shift".
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.hotline.schedule import local_moment, on_shift_at
from app.languages import caller_language, in_language
from app.models import VolunteerGroup
from app.phones import mask

log = logging.getLogger(__name__)

DIAL = "dial"
VOICEMAIL = "voicemail"
NO_SUCH_GROUP = "no_such_group"

DEFAULT_GREETINGS = {
    "en": "Sorry, nobody can take your call right now. Please leave a message after the "
    "tone, with your name and number, and we will call you back.",
    "sw": "Samahani, hakuna anayeweza kupokea simu yako sasa. Tafadhali acha ujumbe baada "
    "ya mlio, pamoja na jina na nambari yako, nasi tutakupigia.",
}
NO_SUCH_GROUP_MESSAGES = {
    "en": "Sorry, this number is not in service. Goodbye.",
    "sw": "Samahani, nambari hii haitumiki. Kwaheri.",
}


@dataclass(frozen=True)
class HotlineRoute:
    """What to do with one call to a hotline number (plain data: safe to keep in state).

    Attributes:
        outcome: "dial" (ring `numbers`), "voicemail" (nobody on shift: say `greeting`,
            then record) or "no_such_group" (say `greeting`, a polite message, and hang up).
        group_id: the group called (None for "no_such_group").
        numbers: E.164 numbers of the volunteers on shift, in dialling order.
        dial_mode: "all_at_once" (ring together, first to answer wins) or "in_order".
        ring_timeout_seconds: how long each number rings.
        caller_id: the number the volunteers see: the group's own number.
        greeting: in the caller's language; for "dial", what to say if nobody answers.
        language: the language of `greeting`.
        reason: why, for logs and `flask hotline route` (no phone numbers in it).
    """

    outcome: str
    group_id: int | None
    numbers: tuple[str, ...]
    dial_mode: str
    ring_timeout_seconds: int
    caller_id: str | None
    greeting: str
    language: str
    reason: str


def route_call(
    called: str, caller: str, at: datetime | None = None, language: str | None = None
) -> HotlineRoute:
    """Decide where a call to a hotline number goes.

    Args:
        called: the number dialled, E.164 (Twilio `To`, Africa's Talking `destinationNumber`).
        caller: the caller's E.164 MSISDN (`From` / `callerNumber`).
        at: the moment of the call (aware; default now).
        language: the caller's language when the gateway or session knows it.

    Returns:
        a HotlineRoute; for an unknown number the outcome is "no_such_group" (logged with
        masked numbers).
    """
    group = db.session.scalar(select(VolunteerGroup).where(VolunteerGroup.number == called))
    wanted = caller_language(caller, language)
    if group is None:
        log.warning("hotline call to unknown number %s from %s", mask(called), mask(caller))
        message, code = in_language(None, wanted, NO_SUCH_GROUP_MESSAGES)
        return HotlineRoute(NO_SUCH_GROUP, None, (), "", 0, None, message, code, "no group")
    moment = at or datetime.now(UTC)
    volunteers = on_shift_at(group, moment)
    greeting, code = in_language(group.greetings, wanted, DEFAULT_GREETINGS)
    local = f"{local_moment(group, moment):%a %H:%M} {group.time_zone}"
    outcome = DIAL if volunteers else VOICEMAIL
    reason = (
        f"{len(volunteers)} on shift at {local}" if volunteers else f"nobody on shift at {local}"
    )
    log.info("hotline %s: call from %s: %s", group.id, mask(caller), reason)
    return HotlineRoute(
        outcome=outcome,
        group_id=group.id,
        numbers=tuple(volunteer.phone for volunteer in volunteers),
        dial_mode=group.dial_mode,
        ring_timeout_seconds=group.ring_timeout_seconds,
        caller_id=group.number,
        greeting=greeting,
        language=code,
        reason=reason,
    )
