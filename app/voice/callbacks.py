"""Callbacks of the call-control verbs: a hotline dial that ended, voicemail recordings
and transcripts, and a Twilio call queue (hold music, a caller leaving the queue, the
dequeue confirmation). Twilio's are signed (403 otherwise); AT's sit behind its token.

| URL | who calls it |
|---|---|
| `POST /voice/twilio/hotline/dialled` | Twilio `<Dial action>`: nobody answered → voicemail |
| `POST /voice/twilio/hotline/recorded` | Twilio `<Record action>` |
| `POST /voice/twilio/hotline/recording` | Twilio `recordingStatusCallback` |
| `POST /voice/twilio/hotline/transcript` | Twilio `transcribeCallback` |
| `POST /voice/twilio/queue/hold` | Twilio `<Enqueue waitUrl>` |
| `POST /voice/twilio/queue/left` | Twilio `<Enqueue action>` |
| `POST /voice/twilio/queue/dequeued` | Twilio `<Queue url>`, on the caller's call |
| `POST /voice/twilio/queue/agent-dialled` | Twilio `<Dial action>` of an agent |
| `POST /voice/africastalking/<token>/voicemail` | AT `<Record callbackUrl>` |

A recording or transcript for a call that was never asked to leave a voicemail is a 404
and stores nothing.
"""

import logging

from flask import Response, abort, request
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse

from app.callcentre.queue import call_ended, connected
from app.errors import UnknownCallError
from app.extensions import db
from app.hotline import voicemail
from app.models import CallQueue
from app.voice.at_xml import render_saved_at_xml
from app.voice.gateways import africastalking, required, seconds, twilio
from app.voice.hop import last_prompt
from app.voice.phrases import phrase
from app.voice.twiml import SAY_LANGUAGES, record_voicemail, render_hold_twiml
from app.voice.urls import twilio_urls
from app.voice.verify import twilio_signed
from app.voice.views import _at_token_ok, _xml, at_final, bp

log = logging.getLogger(__name__)

ANSWERED = ("completed", "answered")


def _open_after_dial(gateway: str, call_id: str, caller: str) -> tuple[str, str] | None:
    """Open the voicemail of a hotline call whose dial nobody answered; returns (greeting,
    language), or None when this call dialled no hotline."""
    prompt = last_prompt(gateway, call_id)
    if prompt is None or prompt.connect is None or prompt.connect.voicemail is None:
        return None
    voicemail.open_voicemail(gateway, call_id, prompt.connect.voicemail.group_id, caller)
    return prompt.connect.voicemail.greeting, prompt.language


@bp.post("/twilio/hotline/dialled")
@twilio_signed
def twilio_hotline_dialled() -> Response:
    """How the volunteers' dial ended: answered → hang up; else the greeting and a
    voicemail."""
    event = twilio.parse(request.form)
    response = VoiceResponse()
    if request.form.get("DialCallStatus", "") in ANSWERED:
        response.hangup()
        return _xml(str(response))
    opened = _open_after_dial(event.gateway, event.call_id, event.msisdn)
    if opened is None:
        abort(404)
    greeting, language = opened
    response.say(greeting, language=SAY_LANGUAGES.get(language, "en-GB"))
    record_voicemail(response, twilio_urls(), language)
    return _xml(str(response))


def _twilio_recording() -> None:
    """Store the voicemail's recording from a Twilio Record action or recording status
    callback (404 for a call with no voicemail)."""
    form = request.form
    try:
        voicemail.recording_arrived(
            twilio.NAME,
            required(form, "CallSid"),
            form.get("RecordingUrl", ""),
            seconds(form.get("RecordingDuration")),
            form.get("RecordingSid") or None,
        )
    except UnknownCallError:
        log.warning("recording for a call with no voicemail refused")
        abort(404)


@bp.post("/twilio/hotline/recorded")
@twilio_signed
def twilio_hotline_recorded() -> Response:
    """The Record action: store the recording, thank the caller, hang up."""
    _twilio_recording()
    prompt = last_prompt(twilio.NAME, request.form.get("CallSid", ""))
    language = prompt.language if prompt else "en"
    response = VoiceResponse()
    say_language = SAY_LANGUAGES.get(language, "en-GB")
    response.say(phrase(language, "voicemail_saved"), language=say_language)
    response.hangup()
    return _xml(str(response))


@bp.post("/twilio/hotline/recording")
@twilio_signed
def twilio_hotline_recording() -> tuple[str, int]:
    """The recording status callback (the same recording; the first one stored wins)."""
    _twilio_recording()
    return "", 204


@bp.post("/twilio/hotline/transcript")
@twilio_signed
def twilio_hotline_transcript() -> tuple[str, int]:
    """The transcription callback: store the transcript and email the voicemail, once."""
    form = request.form
    status = form.get("TranscriptionStatus", "completed")
    if status not in voicemail.TRANSCRIPT_STATUSES:
        return f"Bad request: TranscriptionStatus {status!r}", 400
    try:
        voicemail.transcript_arrived(
            twilio.NAME, required(form, "CallSid"), form.get("TranscriptionText", ""), status
        )
    except UnknownCallError:
        log.warning("transcript for a call with no voicemail refused")
        abort(404)
    return "", 204


@bp.post("/africastalking/<token>/voicemail")
def at_voicemail(token: str) -> Response:
    """AT's Record callback: the voicemail's recording (after a dial nobody answered, the
    voicemail is opened now). AT posts the call's later requests here too."""
    if not _at_token_ok(token):
        abort(404)
    if request.form.get("isActive", "1") == "0":
        return at_final()
    event = africastalking.parse(request.form)
    prompt = last_prompt(event.gateway, event.call_id)
    _open_after_dial(event.gateway, event.call_id, event.msisdn)
    try:
        voicemail.recording_arrived(event.gateway, event.call_id, event.recording_url or "")
    except UnknownCallError:
        log.warning("recording for a call with no voicemail refused")
        abort(404)
    return _xml(render_saved_at_xml(prompt.language if prompt else "en"))


@bp.post("/twilio/queue/hold")
@twilio_signed
def twilio_queue_hold() -> Response:
    """The Enqueue wait URL: the queue's hold music (Twilio posts `QueueSid`, `CallSid`;
    the queue is found by the number the caller dialled)."""
    called = twilio.parse(request.form).our_number
    queue = db.session.scalar(
        select(CallQueue).where(CallQueue.number == called).order_by(CallQueue.priority.desc())
    )
    prompt = last_prompt(twilio.NAME, request.form.get("CallSid", ""))
    music = prompt.queue.hold_music_url if prompt and prompt.queue else ""
    return _xml(render_hold_twiml(music or (queue.hold_music_url if queue else "")))


@bp.post("/twilio/queue/left")
@twilio_signed
def twilio_queue_left() -> Response:
    """The Enqueue action: the caller left the queue (`QueueResult` bridged after the
    call with the agent, hangup, leave, ...): the wait or the call is over."""
    call_ended(twilio.NAME, required(request.form, "CallSid"))
    response = VoiceResponse()
    response.hangup()
    return _xml(str(response))


@bp.post("/twilio/queue/dequeued")
@twilio_signed
def twilio_queue_dequeued() -> Response:
    """The `<Queue url>`: Twilio is bridging this waiting caller (`CallSid`) to the agent's
    call (`DequeingCallSid`): the dequeue confirmation."""
    caller_call = required(request.form, "CallSid")
    agent_call = required(request.form, "DequeingCallSid")
    try:
        connected(twilio.NAME, caller_call, agent_call)
    except UnknownCallError:
        abort(404)
    return _xml(str(VoiceResponse()))


@bp.post("/twilio/queue/agent-dialled")
@twilio_signed
def twilio_queue_agent_dialled() -> Response:
    """The agent's Dial action: the call with the caller is over, or nobody was there."""
    call_ended(twilio.NAME, required(request.form, "CallSid"))
    response = VoiceResponse()
    response.hangup()
    return _xml(str(response))
