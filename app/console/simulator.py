"""The phone simulator: dial a service code as any number and walk the session over the
real callback URL, in the dialect of the chosen gateway and the screen of the chosen
network; save the walk as a conversation test.

Voice and SMS modes plug in as more channels in `CHANNELS` once their webhooks exist.
"""

import dataclasses
import json
import tempfile
import uuid
from pathlib import Path

from flask import Response, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from app.console import bp
from app.console.dialects import DIALECTS, Walk
from app.extensions import db, redis_client
from app.models import OutboxMessage
from app.phones import InvalidPhoneNumber, to_e164
from app.ussd.transcript import Transcript

WALK_TTL_SECONDS = 3600
MORE_KEY, BACK_KEY = "98", "0"
# Channels the simulator can play (`?mode=`).
CHANNELS = {"ussd": "USSD", "voice": "Voice", "sms": "SMS"}


def _key(walk_id: str) -> str:
    return f"sauti:console:walk:{walk_id}"


def _save(walk: Walk) -> None:
    redis_client(current_app).set(
        _key(walk.walk_id), json.dumps(dataclasses.asdict(walk)), ex=WALK_TTL_SECONDS
    )


def _load(walk_id: str) -> Walk:
    raw = redis_client(current_app).get(_key(walk_id))
    if raw is None:
        abort(404)
    walk = Walk(**json.loads(raw))
    if walk.user_id != current_user.id:  # a walk is its dialler's only
        abort(404)
    return walk


def networks() -> dict[str, int]:
    """Network code -> screen size in characters, the configured ones first."""
    config = current_app.config
    sizes = dict(config["USSD_SCREEN_CHARS"])
    sizes.setdefault("", config["USSD_DEFAULT_SCREEN_CHARS"])
    return sizes


def service_codes() -> list[tuple[str, str]]:
    """(service code, definition id) for every definition in service."""
    flows = current_app.extensions["menus"].flows.values()
    return sorted({(code, flow.id) for flow in flows for code in flow.definition.service_codes})


@bp.get("/simulator")
def simulator() -> str:
    """The simulator page in one mode (USSD, voice or SMS): its form and an idle phone."""
    from app.console.channels import SHORT_CODE, voice_gateways, voice_numbers

    mode = request.args.get("mode", "ussd")
    if mode not in CHANNELS:
        abort(404)
    return render_template(
        "console/simulator.html",
        title="Phone simulator",
        mode=mode,
        dialects=DIALECTS,
        networks=networks(),
        codes=service_codes(),
        channels=CHANNELS,
        voice_numbers=voice_numbers(),
        voice_gateways=voice_gateways(),
        short_code=SHORT_CODE,
        walk=None,
        thread=None,
        heard=[],
    )


@bp.post("/simulator/dial")
def simulator_dial() -> str:
    """Start a walk: the first hop, as the gateway posts it when a caller dials."""
    form = request.form
    dialect = DIALECTS.get(form.get("gateway", ""))
    network = form.get("network", "")
    dialled = form.get("code", "").strip()
    if dialect is None or network not in networks():
        abort(400)
    try:
        msisdn = to_e164(form.get("msisdn", ""), current_app.config["DEFAULT_COUNTRY"])
    except InvalidPhoneNumber as err:
        return _phone(None, error=str(err))
    if not (dialled.startswith("*") and dialled.endswith("#")):
        return _phone(None, error="A service code looks like *384*1#.")
    service_code, extra = current_app.extensions["menus"].split_dial(dialled)
    first_sms = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    walk = Walk(
        walk_id=uuid.uuid4().hex,
        user_id=current_user.id,
        gateway=dialect.name,
        network=network,
        msisdn=msisdn,
        dialled=dialled,
        service_code=service_code,
        session_id=f"console-{uuid.uuid4().hex[:16]}",
        # Africa's Talking sends deep-dial digits as the first replies; Hubtel sends the
        # whole dialled string on initiation.
        inputs=list(extra) if dialect.name == "africastalking" else [],
        steps=[],
        first_sms_id=first_sms,
    )
    _hop(walk, None)
    return _phone(walk)


@bp.post("/simulator/<walk_id>/reply")
def simulator_reply(walk_id: str) -> str:
    """The next hop with the caller's reply."""
    walk = _load(walk_id)
    if walk.ended:
        return _phone(walk, error="The session has ended: dial again.")
    reply = request.form.get("reply", "").strip()
    if len(reply) > 182:
        return _phone(walk, error="A reply is at most 182 characters.")
    walk.inputs.append(reply)
    previous = walk.steps[-1]["text"] if walk.steps else ""
    if reply == MORE_KEY and _has_more(previous):
        walk.page += 1
    elif reply == BACK_KEY and walk.page > 1:
        walk.page -= 1
    else:
        walk.page = 1
    _hop(walk, reply)
    return _phone(walk)


@bp.post("/simulator/<walk_id>/hang-up")
def simulator_hang_up(walk_id: str) -> str:
    """The caller hangs up mid-session: the gateway's end-of-session notice (the next
    dial is offered to continue where the caller left off)."""
    walk = _load(walk_id)
    if not walk.ended:
        path, kwargs = DIALECTS[walk.gateway].hang_up(walk)
        current_app.test_client(use_cookies=False).post(path, **kwargs)
        walk.ended = True
        walk.steps.append({"reply": None, "text": "(hung up)", "end": True, "status": 200})
        _save(walk)
    return _phone(walk)


@bp.get("/simulator/<walk_id>/transcript.txt")
def simulator_transcript(walk_id: str) -> Response:
    """The walk as a conversation test (`tests/transcripts/<id>.<language>.txt`)."""
    walk = _load(walk_id)
    transcript = Transcript(walk.service_code, walk.msisdn, walk.session_id)
    transcript.first_sms_id = walk.first_sms_id
    transcript.lines.append(f"dial {walk.service_code} from {walk.msisdn}")
    transcript.lines += [f"send {digits}" for digits in walk.inputs[: _extra_count(walk)]]
    previous = ""
    for step in walk.steps:
        if step["text"] == "(hung up)":
            continue
        body = ("END " if step["end"] else "CON ") + step["text"]
        if previous:
            transcript.reply(previous, step["reply"] or "")
        transcript.screen(body)
        previous = body
    definition, language = transcript.stored()
    name = f"{definition}.{language}.txt" if definition else "walk.txt"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        transcript.write(path, f"the console simulator ({walk.gateway}, network {walk.network})")
        text = path.read_text(encoding="utf-8")
    response = Response(text, mimetype="text/plain")
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


def _extra_count(walk: Walk) -> int:
    """How many inputs were deep-dial digits (sent before the first screen)."""
    replies = sum(1 for step in walk.steps if step["reply"] is not None)
    return len(walk.inputs) - replies if walk.gateway == "africastalking" else 0


def _hop(walk: Walk, reply: str | None) -> None:
    """Post one hop to the callback URL and record the screen."""
    dialect = DIALECTS[walk.gateway]
    response = current_app.test_client(use_cookies=False).post(
        dialect.path(), **dialect.hop(walk, reply)
    )
    body = response.get_data(as_text=True)
    data = response.get_json(silent=True)
    text, end = dialect.screen(response.status_code, body, data)
    walk.steps.append({"reply": reply, "text": text, "end": end, "status": response.status_code})
    walk.ended = end
    _save(walk)


def _has_more(text: str) -> bool:
    return any(line.startswith(f"{MORE_KEY} ") for line in text.split("\n"))


def _phone(walk: Walk | None, error: str = "") -> str:
    screen_chars = networks().get(walk.network if walk else "", 0) or networks()[""]
    last = walk.steps[-1] if walk and walk.steps else None
    return render_template(
        "console/_phone.html",
        walk=walk,
        last=last,
        error=error,
        screen_chars=screen_chars,
        body_chars=len(last["text"]) + 4 if last else 0,
        has_more=bool(last and _has_more(last["text"])),
    )
