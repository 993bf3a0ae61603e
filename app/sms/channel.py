"""SMS as a channel of the engine: a definition offered on SMS (`entry: {sms: [DIET]}`)
asks one question per message, through the same SessionManager, directors and
interrogators as USSD and voice.

The channel keeps its own small state per (MSISDN, short code) in Redis
(`sauti:sms:conversation:<msisdn>:<short_code>`, SMS_CONVERSATION_TTL_SECONDS): the
conversation's id for the session store, the hop number and the pages of the last
prompt, so MORE shows the next page of a long list without running anything. Keywords
(STOP, HELP, JOIN) are read before this module sees a message (`app.sms.incoming`).

Replies the channel decodes: a choice by its number ("2") or its label ("Female"), yes /
no (ndiyo / hapana) on a two-way question, several numbers ("2,3"), MORE / ZAIDI (next
page of choices), BACK / RUDI (previous question).
"""

import copy
import json
import logging
import re
import uuid

import redis
from flask import Flask, current_app

from app.conversation import Channel, Choice, Inbound, InputKind, Nav, Prompt
from app.errors import RateLimitedError, SessionBusyError, SessionConflictError
from app.extensions import db, redis_client
from app.i18n import message as phrase
from app.models import IncomingSms
from app.phones import mask
from app.sms.keywords import first_word

log = logging.getLogger(__name__)

MORE_WORDS = frozenset({"MORE", "ZAIDI"})
BACK_WORDS = frozenset({"BACK", "RUDI"})
# What a page with more choices after it ends with, per language.
MORE_LINE = {"en": "Reply MORE for more choices.", "sw": "Jibu ZAIDI kwa chaguo zaidi."}
YES_NO = {"yes": 0, "y": 0, "ndiyo": 0, "ndio": 0, "no": 1, "n": 1, "hapana": 1}
_WORD = re.compile(r"[^\w]+", re.UNICODE)


def init_app(app: Flask) -> None:
    """Serve SMS conversations through the incoming-SMS hook; check SMS-offered
    definitions in `flask menus validate`."""
    from app.sms.checks import check_channels

    app.extensions["sms_conversations"] = reply
    app.extensions.setdefault("catalog_checks", {})["sms"] = check_channels


def _key(msisdn: str, short_code: str) -> str:
    return f"sauti:sms:conversation:{msisdn}:{short_code}"


def _load(msisdn: str, short_code: str) -> dict | None:
    raw = redis_client(current_app).get(_key(msisdn, short_code))
    return json.loads(raw) if raw else None


def _save(msisdn: str, short_code: str, state: dict) -> None:
    ttl = current_app.config["SMS_CONVERSATION_TTL_SECONDS"]
    redis_client(current_app).set(_key(msisdn, short_code), json.dumps(state), ex=ttl)


def close(msisdn: str, short_code: str) -> bool:
    """Forget the sender's open conversation on `short_code` (after STOP); True if one was
    open."""
    return bool(redis_client(current_app).delete(_key(msisdn, short_code)))


def addresses() -> dict[str, str]:
    """SMS keyword (upper case) -> id of the definition offered on it."""
    found = {}
    for flow in current_app.extensions["menus"].flows.values():
        for word in flow.definition.addresses(Channel.SMS):
            found[word.upper()] = flow.id
    return found


def reply(message: IncomingSms, start: str | None = None) -> str | None:
    """The next question for a message that is no keyword, or None when the sender has
    no conversation open and the message starts none.

    Args:
        message: the incoming row (committed here first, so a failed hop cannot take it
            back with its own rollback).
        start: an SMS address to start a conversation on whatever the text (JOIN's
            registration); None to read the text.
    """
    state = _load(message.msisdn, message.short_code)
    word = first_word(message.text)
    offered = addresses()
    if start is None and word in offered and (state is None or _only_word(message.text)):
        start = word
    if start is not None:
        state = {"id": uuid.uuid4().hex, "address": start, "hop": 0, "pages": [], "page": 0}
        db.session.commit()
        return _run(message, state, None, None)
    if state is None:
        return None
    pages, page = state["pages"], state["page"]
    if word in MORE_WORDS and page + 1 < len(pages):
        state["page"] = page + 1
        _save(message.msisdn, message.short_code, state)
        return pages[page + 1]
    db.session.commit()
    last = Prompt.from_data(state["prompt"])
    answer, nav = decode(message.text, last)
    return _run(message, state, answer, nav)


def _only_word(text: str) -> bool:
    return len([part for part in _WORD.split(text) if part]) == 1


def decode(text: str, last: Prompt) -> tuple[str, Nav | None]:
    """An SMS reply to `last` as (answer, navigation): BACK / RUDI go back when offered,
    a choice's label ("yes") becomes its key; anything else is the answer as typed."""
    stripped = text.strip()
    word = first_word(stripped)
    if last.expects is not InputKind.TEXT and word in BACK_WORDS and _only_word(stripped):
        if Nav.BACK in last.navigation:
            return "", Nav.BACK
    folded = stripped.casefold().rstrip(".!")
    for choice in last.choices:
        if choice.label.casefold() == folded:
            return choice.key, None
    if len(last.choices) == 2 and folded in YES_NO:
        # A two-way question ("I agree" / "No, thanks"): yes is the first, no the second.
        return last.choices[YES_NO[folded]].key, None
    return stripped, None


def _run(message: IncomingSms, state: dict, answer: str | None, nav: Nav | None) -> str:
    """One hop of the conversation in `state`; keeps (or, at the end, forgets) it."""
    prompt = _next_prompt(message, state, answer, nav)
    if prompt.end:
        close(message.msisdn, message.short_code)
        return render(prompt)[0]
    pages = render(prompt)
    state.update(hop=state["hop"] + 1, pages=pages, page=0, prompt=prompt.to_data())
    _save(message.msisdn, message.short_code, state)
    return pages[0]


def _next_prompt(message: IncomingSms, state: dict, answer: str | None, nav: Nav | None) -> Prompt:
    """Ask the core; a hop that cannot run ends the conversation politely."""
    from app.sessions.manager import SessionManager  # the core; imported on first use

    inbound = Inbound(
        replay_key=f"{state['hop']}:{message.id}",
        channel=Channel.SMS,
        gateway=message.gateway,
        conversation_id=state["id"],
        msisdn=message.msisdn,
        address=state["address"],
        input=answer,
        navigate=nav,
        extras={"network_code": message.network_code or "", "short_code": message.short_code},
    )
    language = message.language or "en"
    manager = SessionManager(current_app)
    manager.store = manager.dispatch.store = _store()
    try:
        screen = manager.handle(inbound)
    except (SessionConflictError, RateLimitedError, SessionBusyError, redis.RedisError) as err:
        log.warning("SMS conversation %s of %s: %s", state["id"], mask(message.msisdn), err)
        return Prompt(manager.refused(inbound, err).text, language=language, end=True)
    except Exception:  # the boundary: the sender still gets an answer
        log.exception("SMS conversation %s of %s: hop failed", state["id"], mask(message.msisdn))
        db.session.rollback()
        return Prompt(phrase(language, "sorry"), language=language, end=True)
    if screen.prompt:
        return Prompt.from_data(screen.prompt)
    return Prompt(screen.text, language=language, end=True)


def _store():  # noqa: ANN202 - app.sessions.store.SessionStore
    """The session store with SMS's lifetime: people answer an SMS in hours, not the
    seconds a USSD screen waits."""
    store = copy.copy(current_app.extensions["session_store"])
    store.ttl_seconds = max(store.ttl_seconds, current_app.config["SMS_CONVERSATION_TTL_SECONDS"])
    return store


def render(prompt: Prompt, limit: int | None = None) -> list[str]:
    """A Prompt as SMS pages: the note, the question, then its choices numbered one per
    line; choices that do not fit `limit` characters (SMS_CONVERSATION_MAX_CHARS) go on
    further pages, each but the last ending with the MORE line. Choices keep their
    numbers on every page.

    Returns:
        at least one page.
    """
    limit = limit or current_app.config["SMS_CONVERSATION_MAX_CHARS"]
    head = "\n".join(part for part in (prompt.note, prompt.text) if part)
    lines = [_line(choice) for choice in prompt.choices]
    if not lines:
        return [head]
    more = MORE_LINE.get(prompt.language, MORE_LINE["en"])
    pages: list[str] = []
    current, on_page = ([head] if head else []), 0
    for index, line in enumerate(lines):
        reserve = 0 if index == len(lines) - 1 else len(more) + 1
        if on_page and len("\n".join([*current, line])) + reserve > limit:
            pages.append("\n".join([*current, more]))
            current, on_page = [], 0
        current.append(line)
        on_page += 1
    pages.append("\n".join(current))
    return pages


def _line(choice: Choice) -> str:
    return f"{choice.key}. {choice.label}"
