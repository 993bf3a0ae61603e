"""The simulator's voice and SMS modes, over the app's own webhooks.

Voice: each hop is the form the gateway posts (`MockCall.form`, as `flask callmock`
builds it) to the voice webhook (Twilio's signed with `TWILIO_AUTH_TOKEN`, Africa's
Talking's under its callback token); the answer's `Say`/`Play` are shown as what the
caller would hear and its `Gather`/`GetDigits` waits for keypad digits. Hanging up posts
the gateway's final callback. SMS: the message is posted to the incoming-SMS URL as Africa's
Talking posts it, and Sauti's reply is shown.
"""

import dataclasses
import json
import uuid
import xml.etree.ElementTree as ET  # nosec B405 - types only; parsing is defusedxml's
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from defusedxml import ElementTree as defused
from flask import abort, current_app, render_template, request
from flask_login import current_user
from twilio.request_validator import RequestValidator

from app.console import bp
from app.conversation import Channel
from app.extensions import redis_client
from app.phones import InvalidPhoneNumber, to_e164
from app.voice.callmock import MockCall

WALK_TTL_SECONDS = 3600
SHORT_CODE = "21606"
VOICE_GATEWAYS = {"africastalking": "Africa's Talking", "twilio": "Twilio"}
# What the test client's requests look like to the app when PUBLIC_BASE_URL is unset.
LOCAL_BASE = "http://localhost"


@dataclasses.dataclass
class VoiceWalk:
    """One simulated call (kept in Redis between hops as plain data).

    `waiting` is the response (XML) and the index of the verb that waits for keys, or
    empty when the call is not waiting; `lines` is what was said and pressed, in order.
    """

    walk_id: str
    user_id: int
    gateway: str
    msisdn: str
    our_number: str
    call_id: str
    hops: int = 0
    lines: list[dict[str, str]] = dataclasses.field(default_factory=list)
    waiting: str = ""
    waiting_index: int = -1
    ended: bool = False


def _store(kind: str, walk_id: str, data: dict[str, Any]) -> None:
    redis_client(current_app).set(
        f"sauti:console:{kind}:{walk_id}", json.dumps(data), ex=WALK_TTL_SECONDS
    )


def _fetch(kind: str, walk_id: str) -> dict[str, Any]:
    raw = redis_client(current_app).get(f"sauti:console:{kind}:{walk_id}")
    if raw is None:
        abort(404)
    data = json.loads(raw)
    if data.get("user_id") != current_user.id:  # a walk is its dialler's only
        abort(404)
    return data


def voice_numbers() -> list[tuple[str, str]]:
    """(number, definition id) for every definition answering calls."""
    flows = current_app.extensions["menus"].flows.values()
    return sorted(
        {(number, flow.id) for flow in flows for number in flow.definition.addresses(Channel.VOICE)}
    )


def voice_gateways() -> dict[str, str]:
    """The voice gateways the simulator can play: Twilio only with a token to sign with."""
    gateways = dict(VOICE_GATEWAYS)
    if not current_app.config.get("TWILIO_AUTH_TOKEN"):
        gateways.pop("twilio")
    return gateways


def _webhook(gateway: str) -> str:
    if gateway == "twilio":
        return "/voice/twilio"
    return f"/voice/africastalking/{current_app.config.get('AT_CALLBACK_TOKEN') or ''}"


def _post(walk: VoiceWalk, target: str, form: dict[str, str]) -> tuple[int, str]:
    """POST `form` to `target` (a path or the absolute URL the app answered with)."""
    parts = urlsplit(target)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {}
    if walk.gateway == "twilio":
        config = current_app.config
        public = (config.get("PUBLIC_BASE_URL") or LOCAL_BASE).rstrip("/")
        validator = RequestValidator(config.get("TWILIO_AUTH_TOKEN") or "")
        headers["X-Twilio-Signature"] = validator.compute_signature(public + path, form)
    answer = current_app.test_client(use_cookies=False).post(path, data=form, headers=headers)
    return answer.status_code, answer.get_data(as_text=True)


def _call(walk: VoiceWalk) -> MockCall:
    call = MockCall(walk.gateway, walk.msisdn, walk.our_number, False, _no_post, None)
    call.call_id, call.hops = walk.call_id, walk.hops
    return call


def _no_post(target: str, form: dict, signed: bool) -> tuple[int, str]:
    raise NotImplementedError  # the console posts through `_post`


def _hop(walk: VoiceWalk, target: str, form: dict[str, str]) -> None:
    """Post one hop and play its answer until the call waits for keys or ends."""
    status, body = _post(walk, target, form)
    walk.hops += 1
    if status != 200:
        walk.lines.append({"kind": "error", "text": f"HTTP {status}: {body[:200]}"})
        _end(walk)
        return
    _play(walk, body, 0)


def _play(walk: VoiceWalk, body: str, start: int) -> None:
    """Run the verbs of `body` from `start`: say, wait for keys, follow, or end."""
    verbs = list(defused.fromstring(body))
    for index in range(start, len(verbs)):
        verb = verbs[index]
        if verb.tag in ("Say", "Play"):
            _say(walk, verb)
        elif verb.tag in ("Gather", "GetDigits", "Record"):
            for child in verb:
                _say(walk, child)
            walk.waiting, walk.waiting_index = body, index
            return
        elif verb.tag == "Redirect":
            _hop(walk, (verb.text or "").strip(), _call(walk).form())
            return
        elif verb.tag == "Dial":
            numbers = verb.get("phoneNumbers") or ",".join(n.text or "" for n in verb)
            walk.lines.append({"kind": "said", "text": f"[connects the call to {numbers}]"})
            break
        elif verb.tag in ("Hangup", "Reject"):
            break
    _end(walk)


def _say(walk: VoiceWalk, verb: ET.Element) -> None:
    if verb.tag == "Say":
        walk.lines.append({"kind": "said", "text": (verb.text or "").strip()})
    elif verb.tag == "Play":
        walk.lines.append({"kind": "said", "text": f"[plays {verb.get('url') or verb.text}]"})


def _end(walk: VoiceWalk) -> None:
    """The gateway's final callback: Twilio's status callback, AT's `isActive=0`."""
    walk.waiting, walk.waiting_index = "", -1
    if walk.ended:
        return
    walk.ended = True
    form = _call(walk).form()
    if walk.gateway == "twilio":
        form.update(CallStatus="completed", CallDuration=str(walk.hops * 7))
        _post(walk, "/voice/twilio/status", form)
    else:
        form.update(isActive="0", callSessionState="Completed")
        form.update(durationInSeconds=str(walk.hops * 7), hangupCause="NORMAL_CLEARING")
        form.update(currencyCode="KES", amount="0.00")
        _post(walk, _webhook(walk.gateway), form)
    walk.lines.append({"kind": "end", "text": "(call ended)"})


def _voice_phone(walk: VoiceWalk | None, error: str = "") -> str:
    heard: list[str] = []
    for line in walk.lines if walk else []:
        heard = [] if line["kind"] == "pressed" else [*heard, line["text"]]
    return render_template("console/_voice.html", walk=walk, error=error, heard=heard)


@bp.post("/simulator/voice/dial")
def simulator_voice_dial() -> str:
    """Place a simulated call to one of our numbers: the gateway's first webhook."""
    form = request.form
    gateway = form.get("gateway", "")
    if gateway not in voice_gateways():
        abort(400)
    region = current_app.config["DEFAULT_COUNTRY"]
    try:
        msisdn = to_e164(form.get("msisdn", ""), region)
        our_number = to_e164(form.get("to", ""), region)
    except InvalidPhoneNumber as err:
        return _voice_phone(None, error=str(err))
    prefix = "CA" if gateway == "twilio" else "ATVId_"
    walk = VoiceWalk(
        walk_id=uuid.uuid4().hex,
        user_id=current_user.id,
        gateway=gateway,
        msisdn=msisdn,
        our_number=our_number,
        call_id=f"{prefix}console{uuid.uuid4().hex}",
    )
    _hop(walk, _webhook(gateway), _call(walk).form())
    _store("call", walk.walk_id, dataclasses.asdict(walk))
    return _voice_phone(walk)


@bp.post("/simulator/voice/<walk_id>/keys")
def simulator_voice_keys(walk_id: str) -> str:
    """The caller presses keys (or, with none, stays silent) where the call waits."""
    walk = VoiceWalk(**_fetch("call", walk_id))
    if walk.ended or not walk.waiting:
        return _voice_phone(walk, error="The call has ended: call again.")
    keys = request.form.get("keys", "").strip()
    if len(keys) > 40 or any(key not in "0123456789*#" for key in keys):
        return _voice_phone(walk, error="Keys are 0-9, * and # (at most 40).")
    body, index = walk.waiting, walk.waiting_index
    walk.waiting, walk.waiting_index = "", -1
    verb = list(defused.fromstring(body))[index]
    url = verb.get("action") or verb.get("callbackUrl") or ""
    if not keys:
        walk.lines.append({"kind": "pressed", "text": "(silence)"})
        _play(walk, body, index + 1)
    elif verb.tag == "Record":
        walk.lines.append({"kind": "pressed", "text": f"(speaks; keys {keys} end it)"})
        recording = f"https://recordings.example/{walk.call_id}/{walk.hops}.mp3"
        _hop(walk, url, _call(walk).form(recording=recording))
    else:
        walk.lines.append({"kind": "pressed", "text": keys})
        _hop(walk, url, _call(walk).form(digits=keys))
    _store("call", walk.walk_id, dataclasses.asdict(walk))
    return _voice_phone(walk)


@bp.post("/simulator/voice/<walk_id>/hang-up")
def simulator_voice_hang_up(walk_id: str) -> str:
    """The caller hangs up: the gateway's final callback."""
    walk = VoiceWalk(**_fetch("call", walk_id))
    if not walk.ended:
        walk.lines.append({"kind": "pressed", "text": "(hangs up)"})
        _end(walk)
        _store("call", walk.walk_id, dataclasses.asdict(walk))
    return _voice_phone(walk)


@bp.post("/simulator/sms/send")
def simulator_sms_send() -> str:
    """Post one incoming SMS to the incoming-SMS URL and show Sauti's reply."""
    form = request.form
    walk_id = form.get("walk_id", "")
    if walk_id:
        thread = _fetch("sms", walk_id)
    else:
        thread = {"walk_id": uuid.uuid4().hex, "user_id": current_user.id, "messages": []}
    try:
        msisdn = to_e164(form.get("msisdn", ""), current_app.config["DEFAULT_COUNTRY"])
    except InvalidPhoneNumber as err:
        return render_template("console/_sms.html", thread=thread, error=str(err))
    text = form.get("text", "").strip()
    short_code = form.get("to", "").strip() or SHORT_CODE
    if not text:
        return render_template("console/_sms.html", thread=thread, error="Type a message.")
    message = {
        "from": msisdn,
        "to": short_code,
        "text": text,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "id": f"console-{uuid.uuid4().hex}",
        "linkId": "",
        "networkCode": form.get("network", "63902"),
    }
    path = f"/sms/africastalking/{current_app.config.get('AT_CALLBACK_TOKEN') or ''}"
    answer = current_app.test_client(use_cookies=False).post(path, data=message)
    body = answer.get_data(as_text=True)
    reply = body if answer.status_code == 200 else f"HTTP {answer.status_code}: {body[:200]}"
    thread["msisdn"], thread["to"] = msisdn, short_code
    thread["messages"].append({"from": msisdn, "text": text})
    thread["messages"].append({"from": short_code, "text": reply or "(no reply)"})
    _store("sms", thread["walk_id"], thread)
    return render_template("console/_sms.html", thread=thread, error="")
