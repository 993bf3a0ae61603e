"""One voice hop: a gateway callback in, the core's Prompt rendered as the gateway's XML.

The voice channel keeps its own small state per call in Redis (`sauti:voice:<gateway>:
<call_id>`): the hop number and the last Prompt, so the repeat key and a no-input redirect
say the prompt again without running anything, and a repeated callback (same hop number,
same keys) gets the same document back. Every callback URL carries `?hop=N`, so a repeat
of a callback is told apart from the same key pressed on the next question.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

import redis
from flask import current_app

from app.conversation import Channel, Inbound, Nav, Prompt
from app.directors import Caller
from app.errors import RateLimitedError, SessionBusyError, SessionConflictError
from app.extensions import db, redis_client
from app.phones import mask
from app.voice import calls
from app.voice.gateways import CallEvent
from app.voice.keys import decode
from app.voice.phrases import phrase

log = logging.getLogger(__name__)

Renderer = Callable[[Prompt, str], str]


@dataclass(frozen=True)
class VoiceGateway:
    """How one gateway's hop is answered: its renderer, its goodbye and its answer URL.

    `answer_url(hop)` is where the caller's keys for prompt number `hop` are posted.
    """

    name: str
    render: Renderer
    goodbye: Callable[[str, str], str]
    answer_url: Callable[[int], str]


def _key(event: CallEvent) -> str:
    return f"sauti:voice:{event.gateway}:{event.call_id}"


def _load(event: CallEvent) -> dict | None:
    return _stored(event.gateway, event.call_id)


def _stored(gateway: str, call_id: str) -> dict | None:
    raw = redis_client(current_app).get(f"sauti:voice:{gateway}:{call_id}")
    return json.loads(raw) if raw else None


def last_prompt(gateway: str, call_id: str) -> Prompt | None:
    """The last prompt this call was answered with, while the call's state lives."""
    state = _stored(gateway, call_id)
    return Prompt.from_data(state["prompt"]) if state else None


def _save(event: CallEvent, state: dict) -> None:
    ttl = current_app.config["VOICE_CALL_TTL_SECONDS"]
    redis_client(current_app).set(_key(event), json.dumps(state), ex=ttl)


def answer_call(event: CallEvent, gateway: VoiceGateway, hop: int | None) -> str:
    """Answer one callback of a call that is up; returns the gateway's XML document.

    Args:
        event: the parsed callback.
        gateway: how to render for the gateway that sent it.
        hop: the `?hop=N` of the URL posted to (None on the call's first webhook).
    """
    state = _load(event)
    if state is not None and (hop is None or hop != state["hop"]):
        # A repeated callback (the first webhook again, or keys for a prompt already
        # answered): the same document, nothing re-run.
        log.info("call %s: repeated hop %s (now %s)", event.call_id, hop, state["hop"])
        return state["document"]
    last = Prompt.from_data(state["prompt"]) if state else None
    language = last.language if last else "en"
    try:
        prompt = _next_prompt(event, state, last)
    except SessionConflictError:
        return gateway.goodbye(language, "unknown_number")
    except RateLimitedError as err:
        log.warning("call %s refused: %s", event.call_id, err)
        return gateway.goodbye(language, "busy")
    except (SessionBusyError, redis.RedisError) as err:
        log.warning("call %s: %s", event.call_id, err)
        return gateway.goodbye(language, "busy")
    except Exception:  # the boundary: the caller still hears a goodbye
        log.exception("call %s from %s: hop failed", event.call_id, mask(event.msisdn))
        db.session.rollback()
        return gateway.goodbye(language, "sorry")
    number = (state["hop"] if state else 0) + 1
    document = gateway.render(prompt, gateway.answer_url(number))
    _save(
        event,
        {"hop": number, "prompt": prompt.to_data(), "document": document},
    )
    return document


def _next_prompt(event: CallEvent, state: dict | None, last: Prompt | None) -> Prompt:
    """Ask the core for the next prompt, or say the last one again (the repeat key, or
    nothing pressed)."""
    from app.sessions.manager import SessionManager  # the core; imported on first use

    hop = state["hop"] if state else 0
    if last is None and not _definition(event) and not _service(event):
        log.warning("call to unknown number %s from %s", mask(event.our_number), mask(event.msisdn))
        calls.record(event)
        db.session.commit()
        return Prompt(phrase("en", "unknown_number"), end=True)
    if last is None:
        inbound = _inbound(event, hop, None, None)
    else:
        if event.recording_url:
            answer, nav = event.recording_url, None
        else:
            answer, nav = decode(event.digits, last)
        if nav is Nav.REPEAT:
            return last
        inbound = _inbound(event, hop, answer, nav)
    manager = SessionManager(current_app)
    screen = manager.handle(inbound)
    if screen.prompt:
        prompt = Prompt.from_data(screen.prompt)
    else:  # a hop that could not run: what the core said, then goodbye
        prompt = Prompt(screen.text, language=last.language if last else "en", end=True)
    if last is None:
        calls.record(event, _definition(event) or _service(event))
        db.session.commit()
    return prompt


def _inbound(event: CallEvent, hop: int, answer: str | None, nav: Nav | None) -> Inbound:
    """The core's view of this callback; `hop` numbers the prompt answered, so the same
    keys on the next question are not taken for a repeat of this callback."""
    return Inbound(
        replay_key=f"{hop}:{event.digits or event.recording_url or ''}",
        channel=Channel.VOICE,
        gateway=event.gateway,
        conversation_id=event.call_id,
        msisdn=event.msisdn,
        address=event.our_number,
        input=answer,
        navigate=nav,
        extras={"direction": event.direction},
    )


def _service(event: CallEvent) -> str:
    """The director that answers calls to our number without a definition (a hotline,
    a call queue), or ""."""
    directors = current_app.extensions["directors"]
    inbound = _inbound(event, 0, None, None)
    caller = Caller(event.msisdn, None)
    for director in directors.by_key.values():
        if not director.runs_definitions and director.bid(inbound, caller).score > 0:
            return director.key
    return ""


def _definition(event: CallEvent) -> str:
    """The definition that answers calls to our number, for the call's row."""
    for flow in current_app.extensions["menus"].flows.values():
        if event.our_number in flow.definition.addresses(Channel.VOICE):
            return flow.id
    return ""
