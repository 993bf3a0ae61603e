"""`flask callmock --to NUMBER --from MSISDN`: a phone call in the terminal.

Posts what the gateway posts (Twilio form fields signed with `X-Twilio-Signature`, or
Africa's Talking's voice callback) to a running server (`--url`) or in-process, prints
what the caller would hear, reads keypad digits, follows `Gather` actions and
`GetDigits` callback URLs, and ends the call with the gateway's final callback.
"""

import uuid
import xml.etree.ElementTree as ET  # nosec B405 - types only; parsing is defusedxml's
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import click
import requests
from defusedxml import ElementTree as defused
from flask import current_app
from flask.cli import with_appcontext
from twilio.request_validator import RequestValidator

from app.phones import InvalidPhoneNumber, to_e164

SILENCE = "-"  # in a --digits script: the caller presses nothing


@dataclass
class MockCall:
    """One mocked call: who, where, and how to post to the server.

    `post(url, form, signed)` returns (HTTP status, body); `url` may be absolute.
    """

    gateway: str
    msisdn: str
    our_number: str
    outbound: bool
    post: Callable[[str, dict, bool], tuple[int, str]]
    script: list[str] | None
    call_id: str = field(default_factory=lambda: f"CA{uuid.uuid4().hex}")
    said: list[str] = field(default_factory=list)
    hops: int = 0
    on_line: bool = False  # waiting in a queue, or talking with a queued caller

    def form(self, digits: str | None = None, recording: str | None = None) -> dict:
        """The fields every callback of this call carries, plus the caller's input."""
        if self.gateway == "twilio":
            form = {
                "CallSid": self.call_id,
                "AccountSid": "AC" + "0" * 32,
                "From": self.our_number if self.outbound else self.msisdn,
                "To": self.msisdn if self.outbound else self.our_number,
                "Direction": "outbound-api" if self.outbound else "inbound",
                "CallStatus": "in-progress",
                "ApiVersion": "2010-04-01",
            }
            if digits is not None:
                form["Digits"] = digits
            if recording is not None:
                form["RecordingUrl"] = recording
            return form
        form = {
            "isActive": "1",
            "sessionId": self.call_id,
            "direction": "Outbound" if self.outbound else "Inbound",
            "callerNumber": self.msisdn,
            "destinationNumber": self.our_number,
            "callSessionState": "Answered" if self.hops else "Ringing",
        }
        if digits is not None:
            form["dtmfDigits"] = digits
        if recording is not None:
            form["recordingUrl"] = recording
        return form

    def keys(self, hint: str) -> str | None:
        """The caller's next keys: from the script, or typed; None is silence."""
        if self.script is not None:
            pressed = self.script.pop(0) if self.script else SILENCE
            click.echo(f"  {hint}> {pressed}")
        else:
            pressed = click.prompt(
                f"  {hint} ({SILENCE} for silence)", prompt_suffix="> ", default=SILENCE
            )
        return None if pressed == SILENCE else pressed


def run(call: MockCall, first_url: str, status_url: str | None) -> list[str]:
    """Play the call from its first webhook to the end; returns every line said."""
    url: str | None = first_url
    form = call.form()
    while url is not None:
        status, body = call.post(url, form, True)
        call.hops += 1
        if status != 200:
            raise click.ClickException(f"HTTP {status} from {url}: {body[:200]}")
        url, form = _play(call, defused.fromstring(body))
    if call.on_line:
        click.echo(f"  (still on the line: call id {call.call_id})")
        return call.said
    _hang_up(call, first_url, status_url)
    return call.said


def _play(call: MockCall, response: ET.Element) -> tuple[str | None, dict]:
    """Run a response's verbs in order; returns the next (url, form), or (None, {})."""
    for verb in response:
        tag = verb.tag
        if tag == "Say":
            _say(call, verb.text or "")
        elif tag == "Play":
            _say(call, f"[plays {verb.get('url') or verb.text}]")
        elif tag in ("Gather", "GetDigits"):
            for child in verb:
                _play_prompt(call, child)
            digits = call.keys("press")
            if digits is not None:
                url = verb.get("action") or verb.get("callbackUrl")
                return url, call.form(digits=digits)
        elif tag == "Record":
            for child in verb:
                _play_prompt(call, child)
            spoken = call.keys("speak (any text)")
            if spoken is not None:
                url = verb.get("action") or verb.get("callbackUrl")
                recording = f"https://recordings.example/{call.call_id}/{call.hops}.mp3"
                return url, call.form(recording=recording)
        elif tag == "Redirect":
            return (verb.text or "").strip(), call.form()
        elif tag == "Dial" and verb.find("Queue") is not None:
            _say(call, f"[takes the longest-waiting caller of queue {verb.find('Queue').text}]")
            call.on_line = True
            return None, {}
        elif tag == "Dial":
            numbers = verb.get("phoneNumbers") or ",".join(n.text or "" for n in verb)
            tone = verb.get("ringbackTone")
            _say(call, f"[dials {numbers}{f' with ringback {tone}' if tone else ''}]")
            fallback = verb.get("action") or verb is not response[-1]
            if not fallback or call.keys("1 if someone answers") is not None:
                return None, {}
            if verb.get("action"):  # Twilio asks what to do next; AT runs the next verbs
                return verb.get("action"), {**call.form(), "DialCallStatus": "no-answer"}
        elif tag == "Enqueue":
            name = verb.get("name") or verb.text
            music = verb.get("holdMusic")
            if verb.get("waitUrl"):
                _, hold = call.post(verb.get("waitUrl"), call.form(), True)
                music = " ".join(p.text or "" for p in defused.fromstring(hold).iter("Play"))
            _say(call, f"[waits in queue {name}, hearing {music or 'silence'}]")
            call.on_line = True
            return None, {}
        elif tag == "Dequeue":
            _say(call, f"[takes the longest-waiting caller of {verb.get('phoneNumber')}]")
            call.on_line = True
            return None, {}
        elif tag in ("Hangup", "Reject"):
            break
    return None, {}


def _play_prompt(call: MockCall, verb: ET.Element) -> None:
    if verb.tag == "Say":
        _say(call, verb.text or "")
    elif verb.tag == "Play":
        _say(call, f"[plays {verb.get('url') or verb.text}]")


def _say(call: MockCall, text: str) -> None:
    call.said.append(text)
    click.echo(f"  said: {text}")


def _hang_up(call: MockCall, first_url: str, status_url: str | None) -> None:
    """The gateway's final callback: Twilio's status callback, AT's `isActive=0`."""
    if call.gateway == "twilio":
        form = {**call.form(), "CallStatus": "completed", "CallDuration": str(call.hops * 7)}
        url = status_url
    else:
        form = {
            **call.form(),
            "isActive": "0",
            "callSessionState": "Completed",
            "durationInSeconds": str(call.hops * 7),
            "currencyCode": "KES",
            "amount": "0.00",
            "hangupCause": "NORMAL_CLEARING",
        }
        url = first_url
    if url:
        call.post(url, form, True)
    click.echo("  (call ended)")


def _script(digits: tuple[str, ...]) -> list[str] | None:
    if not digits:
        return None
    return [key for part in digits for key in part.replace(",", " ").split()]


def _poster(
    url: str | None, gateway: str
) -> tuple[Callable[[str, dict, bool], tuple[int, str]], str]:
    """(post, base URL): `post` sends a form, signing it as Twilio does when asked.

    The signature covers `PUBLIC_BASE_URL` (else the base URL) + path + query, as the
    server checks it.
    """
    config = current_app.config
    if url:
        base, session = url.rstrip("/"), requests.Session()
    else:
        base, client = "http://localhost", current_app.test_client()
        if not config.get("TWILIO_AUTH_TOKEN"):
            # In-process this app is the server: give it a token to check signatures with.
            config["TWILIO_AUTH_TOKEN"] = uuid.uuid4().hex
    public = (config.get("PUBLIC_BASE_URL") or base).rstrip("/")
    validator = RequestValidator(config.get("TWILIO_AUTH_TOKEN") or "")

    def post(target: str, form: dict, signed: bool) -> tuple[int, str]:
        parts = urlsplit(target)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {}
        if signed and gateway == "twilio":
            headers["X-Twilio-Signature"] = validator.compute_signature(public + path, form)
        if url:
            response = session.post(base + path, data=form, headers=headers, timeout=15)
            return response.status_code, response.text
        answer = client.post(path, data=form, headers=headers)
        return answer.status_code, answer.get_data(as_text=True)

    return post, base


def _webhooks(gateway: str) -> tuple[str, str | None]:
    """(the number's call webhook, the status callback URL or None) for `gateway`."""
    if gateway == "twilio":
        return "/voice/twilio", "/voice/twilio/status"
    return f"/voice/africastalking/{current_app.config['AT_CALLBACK_TOKEN']}", None


@click.command("callmock")
@click.option("--to", "to", help="The number called (ours), e.g. +254711082003.")
@click.option("--from", "msisdn", default="+254711000001", show_default=True, help="Caller.")
@click.option(
    "--gateway",
    type=click.Choice(["twilio", "africastalking"]),
    default="africastalking",
    show_default=True,
)
@click.option(
    "--action",
    type=click.Choice(["call", "hang", "dequeue", "dequeue_ok"]),
    default="call",
    show_default=True,
    help="call; hang up call --call-id; dequeue: an agent calls the dequeue number; "
    "dequeue_ok: the gateway confirms caller --call-id went to agent call --agent-call-id.",
)
@click.option("--call-id", help="hang, dequeue_ok: the call (as `call` printed it).")
@click.option("--agent-call-id", help="dequeue_ok: the agent's call.")
@click.option("--url", help="A running server's base URL, e.g. http://127.0.0.1:5000.")
@click.option("--outbound", is_flag=True, help="An outbound call we placed, now answered.")
@click.option(
    "--digits", multiple=True, help=f"Keys to press in turn ('1 2 1234'); '{SILENCE}' is silence."
)
@with_appcontext
def callmock_command(
    to: str | None,
    msisdn: str,
    gateway: str,
    action: str,
    call_id: str | None,
    agent_call_id: str | None,
    url: str | None,
    outbound: bool,
    digits: tuple[str, ...],
) -> None:
    """Call NUMBER as a phone would, hearing each prompt and pressing keys; or, for the
    call centre, hang up a call, dequeue as an agent, or confirm a dequeue."""
    region = current_app.config["DEFAULT_COUNTRY"]
    to = to or (_dequeue_number() if action == "dequeue" else None)
    if not to:
        raise click.UsageError("--to is required")
    try:
        msisdn, to = to_e164(msisdn, region), to_e164(to, region)
    except InvalidPhoneNumber as err:
        raise click.BadParameter(str(err)) from err
    post, _ = _poster(url, gateway)
    call = MockCall(gateway, msisdn, to, outbound, post, _script(digits))
    if gateway == "africastalking":
        call.call_id = f"ATVId_{uuid.uuid4().hex}"
    if action in ("hang", "dequeue_ok"):
        if not call_id or (action == "dequeue_ok" and not agent_call_id):
            raise click.UsageError(
                f"{action} needs --call-id"
                + (" and --agent-call-id" if action == "dequeue_ok" else "")
            )
        call.call_id, call.hops = call_id, 1
        if action == "hang":
            _hang_up(call, *_webhooks(gateway))
        else:
            _confirm_dequeue(call, agent_call_id or "")
        return
    click.echo(f"calling {to} from {msisdn} via {gateway}")
    run(call, *_webhooks(gateway))


def _dequeue_number() -> str | None:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import CallQueue

    return db.session.scalar(select(CallQueue.dequeue_number).order_by(CallQueue.id).limit(1))


def _confirm_dequeue(call: MockCall, agent_call_id: str) -> None:
    """The gateway's dequeue confirmation on the waiting caller's call: AT's callback with
    `dequeuedToSessionId`, Twilio's `<Queue url>` with `DequeingCallSid`."""
    if call.gateway == "twilio":
        form = {**call.form(), "QueueSid": "QU" + "0" * 32, "DequeingCallSid": agent_call_id}
        status, _ = call.post("/voice/twilio/queue/dequeued", form, True)
    else:
        form = {**call.form(), "dequeuedToSessionId": agent_call_id}
        status, _ = call.post(_webhooks(call.gateway)[0], form, True)
    click.echo(f"  dequeue confirmed: HTTP {status}")
